// End to end into a real ClickHouse: OTLP traces, metrics of all five kinds and logs go through
// the ocelot binary (gRPC receiver → batch → clickhouse exporter over HTTP), and SQL reads back
// every field, compared with what was sent under the 0.96 mapping (fact sheet §4). Timestamps
// are current, since the tables get a TTL and older rows vanish right after insert.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "integration/collector_process.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "pdata/batch.h"
#include "testing/clickhouse/clickhouse_server.h"
#include "testing/temp_dir.h"
#include "testing/wait.h"

namespace ocelot::testing {
namespace {

using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::metrics::v1::Exemplar;
using opentelemetry::proto::trace::v1::Span;
using opentelemetry::proto::trace::v1::Status;
namespace trace_service = opentelemetry::proto::collector::trace::v1;
namespace metrics_service = opentelemetry::proto::collector::metrics::v1;
namespace logs_service = opentelemetry::proto::collector::logs::v1;

constexpr char kDatabase[] = "otel_e2e";

// Now minus ten seconds, with a nanosecond part that a rounding to µs or ms would change.
uint64_t RecentNanos() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const uint64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  return (ns - 10'000'000'000ULL) / 1'000'000'000ULL * 1'000'000'000ULL + 123'456'789ULL;
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}
const std::string kTraceId = Bytes({0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69,
                                    0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c});
const std::string kTraceHex = "5b8efff798038103d269b633813fc60c";
const std::string kSpanId = Bytes({0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74});
const std::string kSpanHex = "eee19b7ec3c1b174";
const std::string kParentId = Bytes({0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x73});
const std::string kParentHex = "eee19b7ec3c1b173";
const std::string kLinkTraceId = Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x2a});
const std::string kLinkTraceHex = "0000000000000000000000000000002a";

template <typename Msg>
KeyValue* Attr(Msg* m, const std::string& key) {
  KeyValue* kv = m->add_attributes();
  kv->set_key(key);
  return kv;
}

// One attribute of every AnyValue type; the values 0.96 stores for them are below.
template <typename Msg>
void AddEveryType(Msg* m) {
  Attr(m, "str")->mutable_value()->set_string_value("caf\xc3\xa9 <&>");
  Attr(m, "bool")->mutable_value()->set_bool_value(true);
  Attr(m, "int")->mutable_value()->set_int_value(-9007199254740993);
  Attr(m, "double")->mutable_value()->set_double_value(0.1);
  Attr(m, "big_double")->mutable_value()->set_double_value(1e21);
  Attr(m, "tiny_double")->mutable_value()->set_double_value(1e-7);
  Attr(m, "bytes")->mutable_value()->set_bytes_value("\x01\x02\x03\xff");
  auto* arr = Attr(m, "array")->mutable_value()->mutable_array_value();
  arr->add_values()->set_string_value("a");
  arr->add_values()->set_int_value(2);
  arr->add_values()->set_double_value(2.5);
  arr->add_values()->set_bool_value(false);
  auto* kv = Attr(m, "kvlist")->mutable_value()->mutable_kvlist_value();
  KeyValue* inner = kv->add_values();
  inner->set_key("z");
  inner->mutable_value()->set_string_value("<z>");
  inner = kv->add_values();
  inner->set_key("a");
  inner->mutable_value()->set_bytes_value("hi");
  Attr(m, "empty");
}
// key → stored value, keys in sorted order.
const std::vector<std::pair<std::string, std::string>> kEveryTypeStored = {
    {"array", R"(["a",2,2.5,false])"},
    {"big_double", "1e+21"},
    {"bool", "true"},
    {"bytes", "AQID/w=="},
    {"double", "0.1"},
    {"empty", ""},
    {"int", "-9007199254740993"},
    {"kvlist", R"({"a":"aGk=","z":"\u003cz\u003e"})"},
    {"str", "caf\xc3\xa9 <&>"},
    {"tiny_double", "1e-7"},
};

class ClickHouseEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ClickHouseServer::Available()) GTEST_SKIP() << ClickHouseServer::SkipReason();
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  std::string WriteConfig() {
    std::string path = dir_ / "config.yaml";
    std::ofstream(path) << "receivers:\n"
                           "  otlp:\n"
                           "    protocols:\n"
                           "      grpc:\n"
                           "        endpoint: 127.0.0.1:"
                        << grpc_port_
                        << "\n"
                           "processors:\n"
                           "  batch:\n"
                           "    timeout: 100ms\n"
                           "exporters:\n"
                           "  clickhouse:\n"
                           "    endpoint: "
                        << server_.http_endpoint()
                        << "\n"
                           "    database: "
                        << kDatabase
                        << "\n"
                           "    ttl: 72h\n"
                           "service:\n"
                           "  telemetry:\n"
                           "    logs:\n"
                           "      level: warn\n"
                           "  pipelines:\n"
                           "    traces:\n"
                           "      receivers: [otlp]\n"
                           "      processors: [batch]\n"
                           "      exporters: [clickhouse]\n"
                           "    metrics:\n"
                           "      receivers: [otlp]\n"
                           "      processors: [batch]\n"
                           "      exporters: [clickhouse]\n"
                           "    logs:\n"
                           "      receivers: [otlp]\n"
                           "      processors: [batch]\n"
                           "      exporters: [clickhouse]\n";
    return path;
  }

  std::unique_ptr<CollectorProcess> StartCollector() {
    auto p = std::make_unique<CollectorProcess>(std::vector<std::string>{"--config", WriteConfig()},
                                                dir_ / "stderr.txt");
    EXPECT_TRUE(WaitForPort(grpc_port_, std::chrono::seconds(60))) << p->Stderr();
    return p;
  }

  std::shared_ptr<grpc::Channel> Channel() {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_port_),
                               grpc::InsecureChannelCredentials());
  }

  // The result of `sql` as raw tab-separated text (no escaping: the values here hold no tabs
  // or newlines), "" and a test failure on error.
  std::string Sql(const std::string& sql) {
    auto result = server_.Query(sql + " FORMAT TSVRaw");
    EXPECT_TRUE(result.ok()) << result.status() << "\nquery: " << sql;
    return result.ok() ? *result : "";
  }

  // Waits until `table` holds `rows` rows.
  void WaitForRows(const std::string& table, size_t rows, CollectorProcess& collector) {
    const std::string want = std::to_string(rows) + "\n";
    bool arrived = WaitUntil(
        [&] {
          auto n = server_.Query(std::string("SELECT count() FROM ") + kDatabase + "." + table);
          return n.ok() && *n == want;
        },
        std::chrono::seconds(60));
    ASSERT_TRUE(arrived) << table << " never reached " << rows << " rows\n"
                         << collector.Stderr() << "\nserver log:\n"
                         << server_.LogTail();
  }

  // Every key and value of a Map column, keys sorted: "k=v;k=v;".
  std::string MapText(const std::string& column, const std::string& table,
                      const std::string& where) {
    return Sql("SELECT arrayStringConcat(arrayMap(k -> concat(k, '=', " + column +
               "[k], ';'), arraySort(mapKeys(" + column + "))), '') FROM " + kDatabase + "." +
               table + " WHERE " + where);
  }
  // MapText of kEveryTypeStored plus `extra` entries.
  static std::string EveryTypeText(std::map<std::string, std::string> extra = {}) {
    extra.insert(kEveryTypeStored.begin(), kEveryTypeStored.end());
    std::string s;
    for (const auto& [k, v] : extra) s += k + "=" + v + ";";  // std::map: byte order too
    return s + "\n";
  }

  ClickHouseServer server_;
  TempDir dir_;
  int grpc_port_ = FreePort();
};

TEST_F(ClickHouseEndToEnd, TracesEveryField) {
  auto collector = StartCollector();
  const uint64_t t0 = RecentNanos();

  trace_service::ExportTraceServiceRequest req;
  auto* rs = req.add_resource_spans();
  Attr(rs->mutable_resource(), "service.name")->mutable_value()->set_string_value("e2e-svc");
  AddEveryType(rs->mutable_resource());
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("e2e.scope");
  ss->mutable_scope()->set_version("1.0.0");
  Span* s = ss->add_spans();
  s->set_trace_id(kTraceId);
  s->set_span_id(kSpanId);
  s->set_parent_span_id(kParentId);
  s->set_trace_state("vendor=abc,other=1");
  s->set_name("full");
  s->set_kind(Span::SPAN_KIND_PRODUCER);
  s->set_start_time_unix_nano(t0);
  s->set_end_time_unix_nano(t0 + 1'500'000'001);
  AddEveryType(s);
  auto* e1 = s->add_events();
  e1->set_time_unix_nano(t0 + 7);
  e1->set_name("exception");
  Attr(e1, "exception.message")->mutable_value()->set_string_value("boom");
  auto* e2 = s->add_events();
  e2->set_time_unix_nano(t0 + 8);
  e2->set_name("retry");
  Attr(e2, "attempt")->mutable_value()->set_int_value(2);
  auto* l1 = s->add_links();
  l1->set_trace_id(kLinkTraceId);
  l1->set_span_id(kSpanId);
  l1->set_trace_state("k=v");
  Attr(l1, "link.kind")->mutable_value()->set_string_value("follows");
  auto* l2 = s->add_links();
  l2->set_trace_id(std::string(16, '\0'));
  l2->set_span_id(std::string(8, '\0'));
  s->mutable_status()->set_code(Status::STATUS_CODE_ERROR);
  s->mutable_status()->set_message("it broke");
  Span* root = ss->add_spans();  // no parent, ends before it starts
  root->set_trace_id(kTraceId);
  root->set_span_id(kParentId);
  root->set_name("root");
  root->set_kind(Span::SPAN_KIND_SERVER);
  root->set_start_time_unix_nano(t0 - 5);
  root->set_end_time_unix_nano(t0 - 10);
  root->mutable_status()->set_code(Status::STATUS_CODE_OK);

  auto stub = trace_service::TraceService::NewStub(Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  trace_service::ExportTraceServiceResponse response;
  grpc::Status sent = stub->Export(&ctx, req, &response);
  ASSERT_TRUE(sent.ok()) << sent.error_message();
  WaitForRows("otel_traces", 2, *collector);

  const std::string table = std::string(kDatabase) + ".otel_traces";
  EXPECT_EQ(Sql("SELECT toUnixTimestamp64Nano(Timestamp), TraceId, SpanId, ParentSpanId, "
                "TraceState, SpanName, SpanKind, ServiceName, ScopeName, ScopeVersion, Duration, "
                "StatusCode, StatusMessage FROM " +
                table + " WHERE SpanName = 'full'"),
            std::to_string(t0) + "\t" + kTraceHex + "\t" + kSpanHex + "\t" + kParentHex +
                "\tvendor=abc,other=1\tfull\tSPAN_KIND_PRODUCER\te2e-svc\te2e.scope\t1.0.0\t"
                "1500000001\tSTATUS_CODE_ERROR\tit broke\n");
  EXPECT_EQ(MapText("SpanAttributes", "otel_traces", "SpanName = 'full'"), EveryTypeText());
  EXPECT_EQ(MapText("ResourceAttributes", "otel_traces", "SpanName = 'full'"),
            EveryTypeText({{"service.name", "e2e-svc"}}));
  EXPECT_EQ(Sql("SELECT arrayMap(t -> toUnixTimestamp64Nano(t), Events.Timestamp), Events.Name, "
                "Events.Attributes[1]['exception.message'], Events.Attributes[2]['attempt'], "
                "length(Events.Attributes[1]) FROM " +
                table + " WHERE SpanName = 'full'"),
            std::string("[").append(std::to_string(t0 + 7) + "," + std::to_string(t0 + 8) +
                                    "]\t['exception','retry']\tboom\t2\t1\n"));
  EXPECT_EQ(Sql("SELECT Links.TraceId, Links.SpanId, Links.TraceState, "
                "Links.Attributes[1]['link.kind'], length(Links.Attributes[2]) FROM " +
                table + " WHERE SpanName = 'full'"),
            "['" + kLinkTraceHex + "','']\t['" + kSpanHex + "','']\t['k=v','']\tfollows\t0\n");
  EXPECT_EQ(Sql("SELECT ParentSpanId, SpanKind, StatusCode, StatusMessage, Duration, "
                "length(Events.Name), length(Links.TraceId), length(SpanAttributes) FROM " +
                table + " WHERE SpanName = 'root'"),
            "\tSPAN_KIND_SERVER\tSTATUS_CODE_OK\t\t-5\t0\t0\t0\n");
  // The materialized view filled the trace-id lookup table.
  EXPECT_EQ(Sql(std::string("SELECT toUnixTimestamp64Nano(min(Start)), "
                            "toUnixTimestamp64Nano(max(End)) FROM ") +
                kDatabase + ".otel_traces_trace_id_ts WHERE TraceId = '" + kTraceHex + "'"),
            std::to_string(t0 - 5) + "\t" + std::to_string(t0) + "\n");
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

TEST_F(ClickHouseEndToEnd, LogsEveryField) {
  auto collector = StartCollector();
  const uint64_t t0 = RecentNanos();

  logs_service::ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  rl->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
  Attr(rl->mutable_resource(), "service.name")->mutable_value()->set_string_value("log-svc");
  AddEveryType(rl->mutable_resource());
  auto* sl = rl->add_scope_logs();
  sl->set_schema_url("https://opentelemetry.io/schemas/1.20.0");
  sl->mutable_scope()->set_name("e2e.logger");
  sl->mutable_scope()->set_version("2.1");
  AddEveryType(sl->mutable_scope());
  auto* r = sl->add_log_records();
  r->set_time_unix_nano(t0);
  r->set_observed_time_unix_nano(t0 + 1000);
  r->set_trace_id(kTraceId);
  r->set_span_id(kSpanId);
  r->set_flags(1);
  r->set_severity_text("ERROR");
  r->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_ERROR);
  r->mutable_body()->set_string_value("payment failed: card <declined>");
  AddEveryType(r);
  // A second resource without service.name inherits "log-svc" (0.96's quirk); its record has
  // a structured body and no ids.
  auto* rl2 = req.add_resource_logs();
  Attr(rl2->mutable_resource(), "host.name")->mutable_value()->set_string_value("h1");
  auto* r2 = rl2->add_scope_logs()->add_log_records();
  r2->set_time_unix_nano(t0 + 1);
  KeyValue* body = r2->mutable_body()->mutable_kvlist_value()->add_values();
  body->set_key("msg");
  body->mutable_value()->set_string_value("a&b");

  auto stub = logs_service::LogsService::NewStub(Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  logs_service::ExportLogsServiceResponse response;
  grpc::Status sent = stub->Export(&ctx, req, &response);
  ASSERT_TRUE(sent.ok()) << sent.error_message();
  WaitForRows("otel_logs", 2, *collector);

  const std::string table = std::string(kDatabase) + ".otel_logs";
  EXPECT_EQ(Sql("SELECT toUnixTimestamp64Nano(Timestamp), TraceId, SpanId, TraceFlags, "
                "SeverityText, SeverityNumber, ServiceName, Body, ResourceSchemaUrl, "
                "ScopeSchemaUrl, ScopeName, ScopeVersion FROM " +
                table + " WHERE SeverityText = 'ERROR'"),
            std::to_string(t0) + "\t" + kTraceHex + "\t" + kSpanHex +
                "\t1\tERROR\t17\tlog-svc\tpayment failed: card <declined>\t"
                "https://opentelemetry.io/schemas/1.21.0\thttps://opentelemetry.io/schemas/"
                "1.20.0\te2e.logger\t2.1\n");
  EXPECT_EQ(MapText("LogAttributes", "otel_logs", "SeverityText = 'ERROR'"), EveryTypeText());
  EXPECT_EQ(MapText("ScopeAttributes", "otel_logs", "SeverityText = 'ERROR'"), EveryTypeText());
  EXPECT_EQ(MapText("ResourceAttributes", "otel_logs", "SeverityText = 'ERROR'"),
            EveryTypeText({{"service.name", "log-svc"}}));
  EXPECT_EQ(Sql("SELECT toUnixTimestamp64Nano(Timestamp), TraceId, SpanId, ServiceName, Body, "
                "SeverityNumber FROM " +
                table + " WHERE SeverityText = ''"),
            std::to_string(t0 + 1) + "\t\t\tlog-svc\t{\"msg\":\"a\\u0026b\"}\t0\n");
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

TEST_F(ClickHouseEndToEnd, MetricsOfAllFiveKinds) {
  auto collector = StartCollector();
  const uint64_t t0 = RecentNanos();
  const uint64_t start = t0 - 60'000'000'000ULL;

  metrics_service::ExportMetricsServiceRequest req;
  auto* rm = req.add_resource_metrics();
  rm->set_schema_url("res-schema");
  Attr(rm->mutable_resource(), "service.name")->mutable_value()->set_string_value("m-svc");
  auto* sm = rm->add_scope_metrics();
  sm->set_schema_url("scope-schema");
  sm->mutable_scope()->set_name("e2e.meter");
  sm->mutable_scope()->set_version("3");
  AddEveryType(sm->mutable_scope());
  sm->mutable_scope()->set_dropped_attributes_count(2);

  auto exemplars = [&](auto* dp) {
    Exemplar* e = dp->add_exemplars();
    KeyValue* f = e->add_filtered_attributes();
    f->set_key("user");
    f->mutable_value()->set_string_value("u1");
    e->set_time_unix_nano(t0 - 3);
    e->set_as_double(0.75);
    e->set_trace_id(kTraceId);
    e->set_span_id(kSpanId);
    Exemplar* e2 = dp->add_exemplars();  // int value, no ids
    e2->set_time_unix_nano(t0 - 2);
    e2->set_as_int(12);
  };
  auto point = [&](auto* dp, const std::string& name) {
    AddEveryType(dp);
    Attr(dp, "metric")->mutable_value()->set_string_value(name);
    dp->set_start_time_unix_nano(start);
    dp->set_time_unix_nano(t0);
    dp->set_flags(0);
  };

  auto* gauge = sm->add_metrics();
  gauge->set_name("e2e.gauge");
  gauge->set_description("a gauge");
  gauge->set_unit("ms");
  auto* gp = gauge->mutable_gauge()->add_data_points();
  point(gp, "gauge");
  gp->set_as_double(-2.5);
  exemplars(gp);

  auto* sum = sm->add_metrics();
  sum->set_name("e2e.sum");
  sum->set_unit("1");
  sum->mutable_sum()->set_is_monotonic(true);
  sum->mutable_sum()->set_aggregation_temporality(
      opentelemetry::proto::metrics::v1::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* sp = sum->mutable_sum()->add_data_points();
  point(sp, "sum");
  sp->set_as_int(1234567);
  sp->set_flags(1);
  exemplars(sp);

  auto* hist = sm->add_metrics();
  hist->set_name("e2e.histogram");
  auto* hp = hist->mutable_histogram()->add_data_points();
  point(hp, "histogram");
  hp->set_count(6);
  hp->set_sum(17.25);
  for (uint64_t c : {1, 3, 2}) hp->add_bucket_counts(c);
  for (double b : {1.0, 5.0}) hp->add_explicit_bounds(b);
  hp->set_min(0.5);
  hp->set_max(9.75);
  exemplars(hp);

  auto* exp = sm->add_metrics();
  exp->set_name("e2e.exp_histogram");
  auto* ep = exp->mutable_exponential_histogram()->add_data_points();
  point(ep, "exp");
  ep->set_count(11);
  ep->set_sum(42.5);
  ep->set_scale(3);
  ep->set_zero_count(1);
  ep->mutable_positive()->set_offset(-2);
  for (uint64_t c : {4, 0, 5}) ep->mutable_positive()->add_bucket_counts(c);
  ep->mutable_negative()->set_offset(1);
  ep->mutable_negative()->add_bucket_counts(1);
  ep->set_min(-1.5);
  ep->set_max(30.0);
  exemplars(ep);

  auto* summary = sm->add_metrics();
  summary->set_name("e2e.summary");
  auto* qp = summary->mutable_summary()->add_data_points();
  point(qp, "summary");
  qp->set_count(40);
  qp->set_sum(99.5);
  for (auto [q, v] : {std::pair{0.0, 0.1}, {0.9, 2.5}, {1.0, 7.0}}) {
    auto* qv = qp->add_quantile_values();
    qv->set_quantile(q);
    qv->set_value(v);
  }

  auto stub = metrics_service::MetricsService::NewStub(Channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  metrics_service::ExportMetricsServiceResponse response;
  grpc::Status sent = stub->Export(&ctx, req, &response);
  ASSERT_TRUE(sent.ok()) << sent.error_message();
  for (const char* t : {"otel_metrics_gauge", "otel_metrics_sum", "otel_metrics_histogram",
                        "otel_metrics_exponential_histogram", "otel_metrics_summary"}) {
    WaitForRows(t, 1, *collector);
  }

  const std::string common =
      "SELECT ResourceSchemaUrl, ScopeName, ScopeVersion, ScopeDroppedAttrCount, "
      "ScopeSchemaUrl, MetricName, MetricDescription, MetricUnit, "
      "toUnixTimestamp64Nano(StartTimeUnix), toUnixTimestamp64Nano(TimeUnix) FROM ";
  auto common_row = [&](const std::string& name, const std::string& desc, const std::string& unit) {
    return "res-schema\te2e.meter\t3\t2\tscope-schema\t" + name + "\t" + desc + "\t" + unit + "\t" +
           std::to_string(start) + "\t" + std::to_string(t0) + "\n";
  };
  const std::string exemplar_columns =
      "Exemplars.FilteredAttributes[1]['user'], length(Exemplars.FilteredAttributes[2]), "
      "arrayMap(t -> toUnixTimestamp64Nano(t), Exemplars.TimeUnix), Exemplars.Value, "
      "Exemplars.SpanId, Exemplars.TraceId";
  const std::string exemplar_row =
      "u1\t0\t[" + std::to_string(t0 - 3) + "," + std::to_string(t0 - 2) + "]\t[0.75,12]\t['" +
      kSpanHex + "','0000000000000000']\t['" + kTraceHex + "','" + std::string(32, '0') + "']\n";
  const std::string db = std::string(kDatabase) + ".";

  for (const auto& [table, name, desc, unit, kind] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>>{
           {"otel_metrics_gauge", "e2e.gauge", "a gauge", "ms", "gauge"},
           {"otel_metrics_sum", "e2e.sum", "", "1", "sum"},
           {"otel_metrics_histogram", "e2e.histogram", "", "", "histogram"},
           {"otel_metrics_exponential_histogram", "e2e.exp_histogram", "", "", "exp"},
           {"otel_metrics_summary", "e2e.summary", "", "", "summary"}}) {
    SCOPED_TRACE(table);
    EXPECT_EQ(Sql(common + db + table), common_row(name, desc, unit));
    EXPECT_EQ(MapText("ResourceAttributes", table, "1"), "service.name=m-svc;\n");
    EXPECT_EQ(MapText("ScopeAttributes", table, "1"), EveryTypeText());
    EXPECT_EQ(MapText("Attributes", table, "1"), EveryTypeText({{"metric", kind}}));
  }

  EXPECT_EQ(Sql("SELECT Value, Flags, " + exemplar_columns + " FROM " + db + "otel_metrics_gauge"),
            "-2.5\t0\t" + exemplar_row);
  EXPECT_EQ(Sql("SELECT Value, Flags, AggTemp, IsMonotonic, " + exemplar_columns + " FROM " + db +
                "otel_metrics_sum"),
            "1234567\t1\t2\ttrue\t" + exemplar_row);
  EXPECT_EQ(Sql("SELECT Count, Sum, BucketCounts, ExplicitBounds, Flags, Min, Max, " +
                exemplar_columns + " FROM " + db + "otel_metrics_histogram"),
            "6\t17.25\t[1,3,2]\t[1,5]\t0\t0.5\t9.75\t" + exemplar_row);
  EXPECT_EQ(Sql("SELECT Count, Sum, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, "
                "NegativeOffset, NegativeBucketCounts, Flags, Min, Max, " +
                exemplar_columns + " FROM " + db + "otel_metrics_exponential_histogram"),
            "11\t42.5\t3\t1\t-2\t[4,0,5]\t1\t[1]\t0\t-1.5\t30\t" + exemplar_row);
  EXPECT_EQ(Sql("SELECT Count, Sum, ValueAtQuantiles.Quantile, ValueAtQuantiles.Value, Flags "
                "FROM " +
                db + "otel_metrics_summary"),
            "40\t99.5\t[0,0.9,1]\t[0.1,2.5,7]\t0\n");
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

}  // namespace
}  // namespace ocelot::testing
