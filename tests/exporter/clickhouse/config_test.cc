// The clickhouse exporter's option table: 0.96's keys and defaults, the later keys, errors at
// file:line:key, and the endpoint → connection resolution (settings, driver keys, credentials).
#include "exporter/clickhouse/config.h"

#include <gtest/gtest.h>

#include "config/loader.h"
#include "exporter/clickhouse/factory.h"

namespace ocelot::exporter::clickhouse {
namespace {

struct Decoded {
  Config config;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  std::string all() const {
    std::string s;
    for (const auto& e : errors) s += e + "\n";
    return s;
  }
};

Decoded Decode(const std::string& yaml) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok()) << node.status();
  config::Diagnostics diag;
  config::MapDecoder d(*node, "exporters::clickhouse", &diag);
  Decoded out;
  out.config.Decode(d);
  d.Finish();
  out.config.Validate(d);
  out.errors = diag.errors();
  out.warnings = diag.warnings();
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(ClickHouseExporterConfig, DefaultsMatchOtelcolContrib096) {
  auto cfg = MakeFactory()->CreateDefaultConfig();
  const auto& c = static_cast<const Config&>(*cfg);
  EXPECT_EQ(c.database, "default");
  EXPECT_EQ(c.traces_table_name, "otel_traces");
  EXPECT_EQ(c.logs_table_name, "otel_logs");
  EXPECT_EQ(c.metrics_table_name, "otel_metrics");
  EXPECT_EQ(c.ttl_days, 0u);
  EXPECT_EQ(c.ttl.count(), 0);
  EXPECT_EQ(c.helper.timeout.timeout, std::chrono::seconds(5));
  EXPECT_TRUE(c.helper.queue.enabled);
  EXPECT_EQ(c.helper.queue.num_consumers, 1);  // this exporter overrides the usual 10
  EXPECT_EQ(c.helper.queue.queue_size, 1000);
  EXPECT_TRUE(c.helper.retry.enabled);
  EXPECT_EQ(c.helper.retry.initial_interval, std::chrono::seconds(5));
  EXPECT_EQ(c.helper.retry.max_interval, std::chrono::seconds(30));
  EXPECT_EQ(c.helper.retry.max_elapsed_time, std::chrono::seconds(300));
  EXPECT_EQ(c.helper.retry.multiplier, 1.5);
  EXPECT_EQ(c.helper.retry.randomization_factor, 0.5);
  EXPECT_TRUE(c.create_schema);
  EXPECT_EQ(c.table_engine.name, "MergeTree");
  EXPECT_EQ(c.table_engine.params, "");
  EXPECT_EQ(c.cluster_name, "");
}

TEST(ClickHouseExporterConfig, AcceptsEveryKey) {
  auto d = Decode(
      "endpoint: https://ch.example.com:8443?dial_timeout=5s\n"
      "username: otel\n"
      "password: s3cret\n"
      "database: otel\n"
      "connection_params: {max_insert_threads: '2', async_insert: 'true'}\n"
      "traces_table_name: t\n"
      "logs_table_name: l\n"
      "metrics_table_name: m\n"
      "ttl: 72h\n"
      "timeout: 10s\n"
      "sending_queue: {queue_size: 100, num_consumers: 2}\n"
      "retry_on_failure: {enabled: true, initial_interval: 1s, max_interval: 2s, "
      "max_elapsed_time: 10s}\n"
      "create_schema: false\n"
      "cluster_name: c1\n"
      "table_engine: {name: ReplicatedMergeTree, params: \"'/p/{shard}', '{replica}'\"}\n"
      "compress: zstd\n");
  EXPECT_TRUE(d.errors.empty()) << d.all();
  EXPECT_EQ(d.config.ttl, std::chrono::hours(72));
  EXPECT_EQ(d.config.helper.timeout.timeout, std::chrono::seconds(10));
  EXPECT_EQ(d.config.helper.queue.num_consumers, 2);
  EXPECT_FALSE(d.config.create_schema);
  EXPECT_EQ(d.config.table_engine.name, "ReplicatedMergeTree");
  EXPECT_EQ(d.config.tables().traces, "t");
}

TEST(ClickHouseExporterConfig, EndpointIsRequired) {
  auto d = Decode("database: otel\n");
  ASSERT_EQ(d.errors.size(), 1u) << d.all();
  EXPECT_TRUE(Contains(d.errors[0], "exporters::clickhouse")) << d.errors[0];
  EXPECT_TRUE(Contains(d.errors[0], "endpoint must be specified")) << d.errors[0];
}

TEST(ClickHouseExporterConfig, EndpointMustBeAUrl) {
  auto d = Decode("endpoint: localhost:8123\n");
  ASSERT_EQ(d.errors.size(), 1u) << d.all();
  EXPECT_TRUE(Contains(d.errors[0],
                       "c.yaml:1: exporters::clickhouse::endpoint: endpoint must be "
                       "a URL such as http://host:8123"))
      << d.errors[0];
}

TEST(ClickHouseExporterConfig, NativeProtocolIsRefusedNamingTheHttpEndpoint) {
  auto tcp = Decode("endpoint: tcp://ch.internal:9000?username=x\n");
  ASSERT_EQ(tcp.errors.size(), 1u) << tcp.all();
  EXPECT_TRUE(Contains(tcp.errors[0], "c.yaml:1: exporters::clickhouse::endpoint:"))
      << tcp.errors[0];
  EXPECT_TRUE(Contains(tcp.errors[0], "native protocol (tcp://) is not supported"))
      << tcp.errors[0];
  EXPECT_TRUE(Contains(tcp.errors[0], "http://ch.internal:8123")) << tcp.errors[0];
  auto tls = Decode("endpoint: clickhouse://ch.internal:9440\n");
  ASSERT_EQ(tls.errors.size(), 1u);
  EXPECT_TRUE(Contains(tls.errors[0], "https://ch.internal:8443")) << tls.errors[0];
}

TEST(ClickHouseExporterConfig, TtlAndTtlDaysTogetherAreAnErrorNamingBoth) {
  auto d = Decode("endpoint: http://h:8123\nttl_days: 3\nttl: 72h\n");
  ASSERT_EQ(d.errors.size(), 1u) << d.all();
  EXPECT_TRUE(Contains(d.errors[0], "c.yaml:3: exporters::clickhouse::ttl:")) << d.errors[0];
  EXPECT_TRUE(Contains(d.errors[0], "'ttl_days'") && Contains(d.errors[0], "'ttl'")) << d.errors[0];
}

TEST(ClickHouseExporterConfig, TtlDaysAloneWarnsThatItIsDeprecated) {
  auto d = Decode("endpoint: http://h:8123\nttl_days: 3\n");
  EXPECT_TRUE(d.errors.empty()) << d.all();
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_TRUE(Contains(d.warnings[0], "c.yaml:2")) << d.warnings[0];
  EXPECT_TRUE(Contains(d.warnings[0], "ttl_days is deprecated, use ttl instead")) << d.warnings[0];
}

TEST(ClickHouseExporterConfig, UnknownKeysAndBadNamesAreErrorsAtTheirKeys) {
  auto d = Decode(
      "endpoint: http://h:8123\n"
      "databse: x\n"
      "traces_table_name: 'otel-traces'\n"
      "compress: brotli\n");
  ASSERT_EQ(d.errors.size(), 3u) << d.all();
  EXPECT_TRUE(Contains(d.all(),
                       "c.yaml:2: exporters::clickhouse: unknown key \"databse\" (did "
                       "you mean \"database\"?)"))
      << d.all();
  EXPECT_TRUE(Contains(d.all(), "c.yaml:3: exporters::clickhouse::traces_table_name:")) << d.all();
  EXPECT_TRUE(Contains(d.all(),
                       "c.yaml:4: exporters::clickhouse::compress: unsupported "
                       "compression \"brotli\""))
      << d.all();
}

TEST(ClickHouseExporterConfig, ConnectionParamsBecomeSettingsAndDriverKeysAreInterpreted) {
  Config c;
  c.endpoint = "http://u1:p1@127.0.0.1:8123/fromurl?max_threads=4&skip_verify=true";
  c.database = "otel";
  c.connection_params = {{"async_insert", "true"},
                         {"max_threads", "2"},
                         {"dial_timeout", "3s"},
                         {"read_timeout", "10s"},
                         {"compress", "lz4"}};
  auto conn = ResolveConnection(c);
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->base_url, "http://127.0.0.1:8123");
  EXPECT_EQ(conn->database, "otel");  // the database key replaces the URL path
  EXPECT_EQ(conn->user, "u1");        // userinfo, as username is not set
  EXPECT_EQ(conn->password, "p1");
  const std::vector<std::pair<std::string, std::string>> settings = {{"max_threads", "2"},
                                                                     {"async_insert", "1"}};
  EXPECT_EQ(conn->settings, settings);  // connection_params override the endpoint's query
  EXPECT_FALSE(conn->verify_peer);
  EXPECT_EQ(conn->connect_timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(conn->compression, "zstd");  // lz4 is not available over HTTP here

  c.username = "otel";
  c.password = "pw";
  c.database = "";
  conn = ResolveConnection(c);
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(conn->user, "otel");
  EXPECT_EQ(conn->password, "pw");
  EXPECT_EQ(conn->database, "fromurl");  // empty database: the URL path is used
}

TEST(ClickHouseExporterConfig, DefaultsForPortUserAndDatabase) {
  Config c;
  c.endpoint = "https://ch.example.com";
  auto conn = ResolveConnection(c);
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(conn->base_url, "https://ch.example.com:8443");
  EXPECT_EQ(conn->user, "default");
  EXPECT_EQ(conn->database, "default");
  EXPECT_TRUE(conn->settings.empty());
  EXPECT_EQ(conn->compression, "");
}

TEST(ClickHouseExporterConfig, SummaryNeverShowsThePassword) {
  Config c;
  c.endpoint = "http://admin:urlsecret@127.0.0.1:8123";
  c.password = "cfgsecret";
  for (const std::string& line : c.Summary()) {
    EXPECT_FALSE(Contains(line, "secret")) << line;
  }
  EXPECT_TRUE(Contains(c.Summary()[0], "http://127.0.0.1:8123")) << c.Summary()[0];
}

}  // namespace
}  // namespace ocelot::exporter::clickhouse
