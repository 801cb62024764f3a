// The clickhouse exporter against a real ClickHouse (the chdb-based test server), with the real
// ocelot binary: the schema it creates compared with the fact sheet, data arriving, the start-up
// errors a user meets (bad password, missing database, missing permission, a conflicting table,
// an unreachable server), an outage bridged without loss, and the reference dev config.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "integration/collector_process.h"
#include "pdata/batch.h"
#include "testing/clickhouse/clickhouse_server.h"
#include "testing/otlp_fixtures.h"
#include "testing/temp_dir.h"
#include "testing/wait.h"

namespace ocelot::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kReference = std::string(OCELOT_SOURCE_DIR) + "/../shared/reference/letta-otel/";
constexpr char kPassword[] = "ch-test-pw";
// The exporter's credentials (`default` has no password in the test server).
const std::string kOtelUser = "    username: otel\n    password: " + std::string(kPassword);

#define SKIP_UNLESS_CLICKHOUSE() \
  if (!ClickHouseServer::Available()) GTEST_SKIP() << ClickHouseServer::SkipReason()

int CountOccurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// POSTs an OTLP/HTTP protobuf request to ocelot; returns the HTTP status (0: no answer).
long PostOtlp(int port, const std::string& signal, const std::string& body) {
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/" + signal;
  std::string response;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/x-protobuf");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return status;
}

// One server for the whole suite (starting one takes seconds); each test uses its own database.
class ClickHouseExporter : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!ClickHouseServer::Available()) return;
    ClickHouseServer::Options options;
    options.users = {{"otel", kPassword, false}, {"reader", "reader-pw", true}};
    server_ = new ClickHouseServer(options);
    absl::Status s = server_->Start();
    if (!s.ok()) {
      start_error_ = new std::string(s.ToString());
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (start_error_ != nullptr) FAIL() << *start_error_;
  }

  ClickHouseServer& server() { return *server_; }

  // The number in a one-value answer ("42\n"), or -1 when the query fails.
  long long Count(const std::string& sql) {
    auto r = server().Query(sql);
    if (!r.ok()) return -1;
    return std::atoll(r->c_str());
  }

  // A collector config: otlp receiver on loopback, the clickhouse exporter with `exporter_extra`
  // keys (indented four spaces), in the pipelines of `signals`.
  std::string WriteConfig(const std::string& exporter_extra,
                          const std::vector<std::string>& signals = {"traces", "metrics", "logs"},
                          const std::string& endpoint = "") {
    std::ostringstream c;
    c << "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:"
      << http_port_ << "\n";
    c << "exporters:\n  clickhouse:\n    endpoint: "
      << (endpoint.empty() ? server().http_endpoint() : endpoint) << "\n"
      << exporter_extra;
    c << "service:\n  telemetry:\n    logs:\n      level: debug\n  pipelines:\n";
    for (const std::string& s : signals) {
      c << "    " << s << ":\n      receivers: [otlp]\n      exporters: [clickhouse]\n";
    }
    std::string path = dir_ / "config.yaml";
    std::ofstream(path) << c.str();
    return path;
  }

  std::unique_ptr<CollectorProcess> Run(const std::string& config) {
    return std::make_unique<CollectorProcess>(std::vector<std::string>{"--config", config},
                                              dir_ / "stderr.txt");
  }

  // Runs a collector that must fail to start; returns its stderr.
  std::string FailedStart(const std::string& config) {
    auto p = Run(config);
    auto status = p->WaitExit(seconds(60));
    EXPECT_TRUE(status.has_value()) << "ocelot did not exit\n" << p->Stderr();
    if (status) {
      EXPECT_NE(*status, 0) << p->Stderr();
    }
    return p->Stderr();
  }

  static ClickHouseServer* server_;
  static std::string* start_error_;
  TempDir dir_;
  int http_port_ = FreePort();
};

ClickHouseServer* ClickHouseExporter::server_ = nullptr;
std::string* ClickHouseExporter::start_error_ = nullptr;

// The fact sheet's traces and logs tables as system.columns lists them (§3.1, §3.3).
const std::vector<std::pair<std::string, std::string>> kTracesColumns = {
    {"Timestamp", "DateTime64(9)"},
    {"TraceId", "String"},
    {"SpanId", "String"},
    {"ParentSpanId", "String"},
    {"TraceState", "String"},
    {"SpanName", "LowCardinality(String)"},
    {"SpanKind", "LowCardinality(String)"},
    {"ServiceName", "LowCardinality(String)"},
    {"ResourceAttributes", "Map(LowCardinality(String), String)"},
    {"ScopeName", "String"},
    {"ScopeVersion", "String"},
    {"SpanAttributes", "Map(LowCardinality(String), String)"},
    {"Duration", "Int64"},
    {"StatusCode", "LowCardinality(String)"},
    {"StatusMessage", "String"},
    {"Events.Timestamp", "Array(DateTime64(9))"},
    {"Events.Name", "Array(LowCardinality(String))"},
    {"Events.Attributes", "Array(Map(LowCardinality(String), String))"},
    {"Links.TraceId", "Array(String)"},
    {"Links.SpanId", "Array(String)"},
    {"Links.TraceState", "Array(String)"},
    {"Links.Attributes", "Array(Map(LowCardinality(String), String))"},
};
const std::vector<std::pair<std::string, std::string>> kLogsColumns = {
    {"Timestamp", "DateTime64(9)"},
    {"TraceId", "String"},
    {"SpanId", "String"},
    {"TraceFlags", "UInt32"},
    {"SeverityText", "LowCardinality(String)"},
    {"SeverityNumber", "Int32"},
    {"ServiceName", "LowCardinality(String)"},
    {"Body", "String"},
    {"ResourceSchemaUrl", "String"},
    {"ResourceAttributes", "Map(LowCardinality(String), String)"},
    {"ScopeSchemaUrl", "String"},
    {"ScopeName", "String"},
    {"ScopeVersion", "String"},
    {"ScopeAttributes", "Map(LowCardinality(String), String)"},
    {"LogAttributes", "Map(LowCardinality(String), String)"},
};

std::vector<std::pair<std::string, std::string>> ParseColumns(const std::string& tsv) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(tsv);
  for (std::string line; std::getline(in, line);) {
    size_t tab = line.find('\t');
    if (tab != std::string::npos) out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return out;
}

TEST_F(ClickHouseExporter, CreatesTheFactSheetSchemaAndInsertsEverySignal) {
  SKIP_UNLESS_CLICKHOUSE();
  auto p = Run(WriteConfig(kOtelUser + "\n    database: otel_schema" +
                           "\n    ttl: 72h\n    compress: zstd\n"));
  ASSERT_TRUE(WaitForPort(http_port_, seconds(60))) << p->Stderr();

  auto columns = [&](const std::string& table) {
    auto r = server().Query(
        "SELECT name, type FROM system.columns WHERE database = 'otel_schema' AND table = '" +
        table + "' ORDER BY position FORMAT TSV");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? ParseColumns(*r) : std::vector<std::pair<std::string, std::string>>{};
  };
  EXPECT_EQ(columns("otel_traces"), kTracesColumns);
  EXPECT_EQ(columns("otel_logs"), kLogsColumns);
  EXPECT_EQ(columns("otel_traces_trace_id_ts"),
            (std::vector<std::pair<std::string, std::string>>{
                {"TraceId", "String"}, {"Start", "DateTime64(9)"}, {"End", "DateTime64(9)"}}));
  // Metrics: the 13 common columns, then per type; the fact sheet's insert column counts.
  const std::map<std::string, size_t> metric_counts = {{"gauge", 20},
                                                       {"sum", 22},
                                                       {"histogram", 25},
                                                       {"exponential_histogram", 29},
                                                       {"summary", 18}};
  for (const auto& [type, count] : metric_counts) {
    auto cols = columns("otel_metrics_" + type);
    ASSERT_EQ(cols.size(), count) << type;
    EXPECT_EQ(cols[0].first, "ResourceAttributes");
    EXPECT_EQ(cols[12], (std::pair<std::string, std::string>{"TimeUnix", "DateTime64(9)"}));
    for (const auto& c : cols) EXPECT_NE(c.first, "ServiceName") << type;  // added after 0.96
  }
  EXPECT_EQ(columns("otel_metrics_sum")[21],
            (std::pair<std::string, std::string>{"IsMonotonic", "Bool"}));

  auto show = [&](const std::string& table) {
    auto r = server().Query("SHOW CREATE TABLE otel_schema." + table + " FORMAT TSVRaw");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : "";
  };
  const std::string traces = show("otel_traces");
  for (const char* piece :
       {"`Timestamp` DateTime64(9) CODEC(Delta(8), ZSTD(1))", "`Duration` Int64 CODEC(ZSTD(1))",
        "`Events.Attributes` Array(Map(LowCardinality(String), String)) CODEC(ZSTD(1))",
        "INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1",
        "INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1",
        "INDEX idx_duration Duration TYPE minmax GRANULARITY 1", "ENGINE = MergeTree",
        "PARTITION BY toDate(Timestamp)",
        "ORDER BY (ServiceName, SpanName, toUnixTimestamp(Timestamp), TraceId)",
        "TTL toDateTime(Timestamp) + toIntervalDay(3)",
        "SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1"}) {
    EXPECT_NE(traces.find(piece), std::string::npos) << piece << "\n" << traces;
  }
  const std::string lookup = show("otel_traces_trace_id_ts");
  EXPECT_NE(lookup.find("ORDER BY (TraceId, toUnixTimestamp(Start))"), std::string::npos) << lookup;
  EXPECT_NE(lookup.find("TTL toDateTime(Start) + toIntervalDay(3)"), std::string::npos) << lookup;
  EXPECT_EQ(lookup.find("PARTITION BY"), std::string::npos) << lookup;
  const std::string logs = show("otel_logs");
  EXPECT_NE(logs.find("INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1"),
            std::string::npos)
      << logs;
  const std::string hist = show("otel_metrics_histogram");
  EXPECT_NE(hist.find("`Count` UInt64 CODEC(Delta(8), ZSTD(1))"), std::string::npos) << hist;
  EXPECT_NE(hist.find("ORDER BY (MetricName, Attributes, toUnixTimestamp64Nano(TimeUnix))"),
            std::string::npos)
      << hist;
  EXPECT_NE(hist.find("TTL toDateTime(TimeUnix) + toIntervalDay(3)"), std::string::npos) << hist;
  EXPECT_EQ(Count("SELECT count() FROM system.tables WHERE database = 'otel_schema' AND name = "
                  "'otel_traces_trace_id_ts_mv' AND engine = 'MaterializedView'"),
            1);

  // Data through the pipeline (current timestamps: the 72h TTL drops older rows at once).
  auto traces_chunk = MakeTraces(2, 3);
  uint64_t now_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
  for (auto& rs : *traces_chunk->message().mutable_resource_spans()) {
    for (auto& ss : *rs.mutable_scope_spans()) {
      for (auto& span : *ss.mutable_spans()) {
        span.set_start_time_unix_nano(now_ns);
        span.set_end_time_unix_nano(now_ns + 1500);
      }
    }
  }
  ASSERT_EQ(PostOtlp(http_port_, "traces", traces_chunk->message().SerializeAsString()), 200);
  auto logs_chunk = MakeLogs(4);
  for (auto& rl : *logs_chunk->message().mutable_resource_logs()) {
    for (auto& sl : *rl.mutable_scope_logs()) {
      for (auto& rec : *sl.mutable_log_records()) rec.set_time_unix_nano(now_ns);
    }
  }
  ASSERT_EQ(PostOtlp(http_port_, "logs", logs_chunk->message().SerializeAsString()), 200);
  auto metrics_chunk = MakeMetrics(2, 5);
  for (auto& rm : *metrics_chunk->message().mutable_resource_metrics()) {
    for (auto& sm : *rm.mutable_scope_metrics()) {
      for (auto& m : *sm.mutable_metrics()) {
        for (auto& dp : *m.mutable_sum()->mutable_data_points()) dp.set_time_unix_nano(now_ns);
      }
    }
  }
  ASSERT_EQ(PostOtlp(http_port_, "metrics", metrics_chunk->message().SerializeAsString()), 200);
  EXPECT_TRUE(WaitUntil([&] { return Count("SELECT count() FROM otel_schema.otel_traces") == 6; },
                        seconds(30)))
      << p->Stderr();
  EXPECT_TRUE(WaitUntil([&] { return Count("SELECT count() FROM otel_schema.otel_logs") == 4; },
                        seconds(30)))
      << p->Stderr();
  EXPECT_TRUE(WaitUntil(
      [&] { return Count("SELECT count() FROM otel_schema.otel_metrics_sum") == 10; }, seconds(30)))
      << p->Stderr();
  // The materialized view filled the lookup table: one row per trace id of the block.
  EXPECT_EQ(Count("SELECT uniqExact(TraceId) FROM otel_schema.otel_traces_trace_id_ts"), 2);
  EXPECT_EQ(Count("SELECT Duration FROM otel_schema.otel_traces LIMIT 1"), 1500);
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
  EXPECT_EQ(p->Stderr().find(kPassword), std::string::npos) << "the password was logged";
}

TEST_F(ClickHouseExporter, ASecondStartKeepsTheTablesAndCreateSchemaFalseOnlyChecks) {
  SKIP_UNLESS_CLICKHOUSE();
  const std::string keys = kOtelUser + "\n    database: otel_twice" + "\n";
  for (const std::string& extra : {keys, keys + "    create_schema: false\n"}) {
    auto p = Run(WriteConfig(extra, {"traces"}));
    ASSERT_TRUE(WaitForPort(http_port_, seconds(60))) << p->Stderr();
    EXPECT_EQ(p->Stop(), 0) << p->Stderr();
  }
  // Only the traces pipeline uses the exporter: no logs or metrics tables.
  EXPECT_EQ(Count("SELECT count() FROM system.tables WHERE database = 'otel_twice'"), 3);
}

TEST_F(ClickHouseExporter, BadPasswordFailsTheStartWithOneClearLine) {
  SKIP_UNLESS_CLICKHOUSE();
  std::string err = FailedStart(WriteConfig("    username: otel\n    password: wrong-pw\n"));
  EXPECT_EQ(CountOccurrences(err, "authentication failed for user \"otel\""), 1) << err;
  EXPECT_NE(err.find("exporter clickhouse: cannot create table otel_traces: ClickHouse at "),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(server().http_endpoint()), std::string::npos) << err;
  EXPECT_EQ(err.find("wrong-pw"), std::string::npos) << err;
}

TEST_F(ClickHouseExporter, MissingDatabaseWithoutCreateSchemaIsNamed) {
  SKIP_UNLESS_CLICKHOUSE();
  std::string err =
      FailedStart(WriteConfig(kOtelUser + "\n    database: nosuchdb\n    create_schema: false\n"));
  EXPECT_EQ(CountOccurrences(err, "database \"nosuchdb\" does not exist"), 1) << err;
}

TEST_F(ClickHouseExporter, AUserWithoutDdlRightsIsToldWhichPermissionIsMissing) {
  SKIP_UNLESS_CLICKHOUSE();
  std::string err = FailedStart(
      WriteConfig("    username: reader\n    password: reader-pw\n    database: otel_readonly\n"));
  EXPECT_EQ(CountOccurrences(err, "user \"reader\" lacks permission"), 1) << err;
  EXPECT_NE(err.find("cannot create database otel_readonly"), std::string::npos) << err;
  EXPECT_EQ(err.find("reader-pw"), std::string::npos) << err;
}

TEST_F(ClickHouseExporter, AConflictingTableIsNamedWithItsColumnsAndNeverWritten) {
  SKIP_UNLESS_CLICKHOUSE();
  ASSERT_TRUE(server().Query("CREATE DATABASE IF NOT EXISTS otel_conflict").ok());
  ASSERT_TRUE(server()
                  .Query("CREATE TABLE IF NOT EXISTS otel_conflict.otel_logs (Timestamp "
                         "DateTime64(9), Body String, ServiceName String) ENGINE = MergeTree "
                         "ORDER BY Timestamp")
                  .ok());
  std::string err =
      FailedStart(WriteConfig(kOtelUser + "\n    database: otel_conflict\n", {"logs"}));
  EXPECT_EQ(CountOccurrences(err, "table otel_conflict.otel_logs exists with columns that differ"),
            1)
      << err;
  EXPECT_NE(err.find("ServiceName is String, expected LowCardinality(String)"), std::string::npos)
      << err;
  EXPECT_NE(err.find("missing columns: TraceId String, SpanId String, TraceFlags UInt32"),
            std::string::npos)
      << err;
  EXPECT_EQ(Count("SELECT count() FROM otel_conflict.otel_logs"), 0);
}

TEST_F(ClickHouseExporter, AnUnreachableServerFailsTheStartNamingIt) {
  SKIP_UNLESS_CLICKHOUSE();
  const std::string nobody = "http://127.0.0.1:" + std::to_string(FreePort());
  std::string err = FailedStart(WriteConfig("", {"traces"}, nobody));
  EXPECT_EQ(CountOccurrences(err, "cannot reach ClickHouse at " + nobody), 1) << err;
}

TEST_F(ClickHouseExporter, ANativeEndpointIsRefusedByValidate) {
  SKIP_UNLESS_CLICKHOUSE();
  std::string err;
  EXPECT_EQ(RunOcelot({"validate", "--config",
                       WriteConfig("", {"traces"},
                                   "tcp://127.0.0.1:" + std::to_string(server().tcp_port()))},
                      nullptr, &err),
            1);
  EXPECT_NE(err.find("use the HTTP interface instead, e.g. http://127.0.0.1:8123"),
            std::string::npos)
      << err;
}

TEST_F(ClickHouseExporter, AnOutageLosesNothing) {
  SKIP_UNLESS_CLICKHOUSE();
  auto p = Run(WriteConfig(kOtelUser + "\n    database: otel_outage" +
                               "\n    timeout: 2s\n"
                               "    retry_on_failure: {initial_interval: 100ms, max_interval: "
                               "500ms, max_elapsed_time: 120s}\n",
                           {"traces"}));
  ASSERT_TRUE(WaitForPort(http_port_, seconds(60))) << p->Stderr();
  int sent = 0;
  auto send = [&](int batches) {
    for (int i = 0; i < batches; ++i) {
      // Each batch its own service name, so a lost or doubled batch is visible by name.
      const std::string service = "batch-" + std::to_string(sent / 5);
      ASSERT_EQ(
          PostOtlp(http_port_, "traces", MakeTraces(1, 5, service)->message().SerializeAsString()),
          200);
      sent += 5;
    }
  };
  auto rows = [&] { return Count("SELECT count() FROM otel_outage.otel_traces"); };
  send(3);
  // Wait for ocelot to have seen the answers too: a server stopped between committing an insert
  // and answering it makes the retry insert that batch again (at-least-once, as otelcol).
  ASSERT_TRUE(WaitUntil(
      [&] {
        return rows() == sent && CountOccurrences(p->Stderr(), "insert into otel_traces: ") == 3;
      },
      seconds(30)))
      << p->Stderr();
  server().Stop();
  send(4);  // accepted into the sending queue while the server is down
  ASSERT_TRUE(server().Restart().ok()) << server().LogTail();
  send(2);
  EXPECT_TRUE(WaitUntil([&] { return rows() == sent; }, seconds(90)))
      << rows() << " of " << sent << "\n"
      << p->Stderr() << "\nserver log:\n"
      << server().LogTail(30000);
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
  EXPECT_EQ(rows(), sent) << *server().Query(
                                 "SELECT ServiceName, count() FROM otel_outage.otel_traces GROUP "
                                 "BY ServiceName ORDER BY "
                                 "ServiceName FORMAT TSV")
                          << p->Stderr();
}

TEST_F(ClickHouseExporter, TheReferenceDevConfigValidatesAndRuns) {
  SKIP_UNLESS_CLICKHOUSE();
  const std::string config = kReference + "otel-collector-config-clickhouse-dev.yaml";
  const std::map<std::string, std::string> env = {
      {"CLICKHOUSE_ENDPOINT", server().http_endpoint()},
      {"CLICKHOUSE_DATABASE", "otel_dev"},
      {"CLICKHOUSE_USERNAME", "otel"},
      {"CLICKHOUSE_PASSWORD", kPassword},
      {"HOME", dir_ / "home"}};  // the file exporters write under $HOME/.letta
  const char* home = std::getenv("HOME");
  const std::string saved_home = home != nullptr ? home : "";
  for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
  std::string err;
  EXPECT_EQ(RunOcelot({"validate", "--config", config}, nullptr, &err), 0) << err;
  // Run it on loopback ports of our own (the file binds 0.0.0.0:4317/4318).
  const int grpc_port = FreePort();
  CollectorProcess p(
      {"--config", config, "--set",
       "receivers::otlp::protocols::grpc::endpoint=127.0.0.1:" + std::to_string(grpc_port), "--set",
       "receivers::otlp::protocols::http::endpoint=127.0.0.1:" + std::to_string(http_port_)},
      dir_ / "dev-stderr.txt");
  ASSERT_TRUE(WaitForPort(http_port_, seconds(60))) << p.Stderr();
  ASSERT_EQ(PostOtlp(http_port_, "traces", MakeTraces(1, 4)->message().SerializeAsString()), 200);
  EXPECT_TRUE(WaitUntil([&] { return Count("SELECT count() FROM otel_dev.otel_traces") == 4; },
                        seconds(30)))
      << p.Stderr();
  EXPECT_EQ(p.Stop(), 0) << p.Stderr();
  for (const auto& [name, value] : env) unsetenv(name.c_str());
  if (!saved_home.empty()) setenv("HOME", saved_home.c_str(), 1);
}

}  // namespace
}  // namespace ocelot::testing
