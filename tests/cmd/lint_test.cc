// validate's risky-setting warnings, one test per check, on trees resolved as validate resolves
// them (merged, --set applied, expanded), plus the profiles, which must raise none.
#include "cmd/ocelot/lint.h"

#include <gtest/gtest.h>

#include <map>

#include "config/resolve.h"

namespace ocelot::cmd {
namespace {

std::vector<std::string> Lint(const std::string& yaml, std::vector<std::string> sets = {},
                              std::map<std::string, std::string> vars = {}) {
  config::EnvLookup env = [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  auto r = config::Resolve({{"test.yaml", yaml}}, sets, env);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  return LintConfig(r->root, r->unexpanded);
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string Pipeline(const std::string& endpoint, const std::string& processors) {
  return "receivers:\n"
         "  otlp:\n"
         "    protocols:\n"
         "      grpc:\n"
         "        endpoint: " +
         endpoint +
         "\n"
         "processors:\n"
         "  batch:\n"
         "  memory_limiter: {limit_mib: 100}\n"
         "exporters:\n"
         "  file: {path: /tmp/x.json}\n"
         "service:\n"
         "  pipelines:\n"
         "    traces:\n"
         "      receivers: [otlp]\n"
         "      processors: " +
         processors +
         "\n"
         "      exporters: [file]\n";
}

TEST(Lint, NetworkReceiverWithoutMemoryLimiterWarnsAtThePipeline) {
  auto w = Lint(Pipeline("0.0.0.0:4317", "[batch]"));
  ASSERT_EQ(w.size(), 1u) << Joined(w);
  EXPECT_EQ(w[0].rfind("test.yaml:13: service::pipelines::traces: receives from the network "
                       "(receivers::otlp::protocols::grpc::endpoint is 0.0.0.0:4317) without a "
                       "memory_limiter processor",
                       0),
            0u)
      << w[0];
}

TEST(Lint, EveryNonLoopbackListenerCounts) {
  for (const char* endpoint : {":4317", "10.0.0.5:4317", "\"[::]:4317\""}) {
    EXPECT_EQ(Lint(Pipeline(endpoint, "[batch]")).size(), 1u) << endpoint;
  }
}

TEST(Lint, LoopbackReceiverOrMemoryLimiterIsFine) {
  for (const char* endpoint : {"localhost:4317", "127.0.0.1:4317", "\"[::1]:4317\""}) {
    EXPECT_TRUE(Lint(Pipeline(endpoint, "[batch]")).empty()) << endpoint;
  }
  EXPECT_TRUE(Lint(Pipeline("0.0.0.0:4317", "[memory_limiter, batch]")).empty());
}

TEST(Lint, ReceiverEndpointFromAVariableIsCheckedAfterExpansion) {
  std::string yaml = Pipeline("${env:GRPC:-localhost:4317}", "[batch]");
  EXPECT_TRUE(Lint(yaml).empty());
  EXPECT_EQ(Lint(yaml, {}, {{"GRPC", "0.0.0.0:4317"}}).size(), 1u);
}

std::string Extensions(const std::string& type, const std::string& endpoint, bool enabled = true) {
  return "extensions:\n"
         "  " +
         type + ":\n    endpoint: " + endpoint +
         "\n"
         "service:\n" +
         (enabled ? "  extensions: [" + type + "]\n" : "") +
         "  pipelines:\n"
         "    traces: {receivers: [nop], exporters: [nop]}\n";
}

TEST(Lint, ManagementExtensionOnAllInterfacesWarns) {
  for (const char* type : {"health_check", "pprof", "zpages"}) {
    auto w = Lint(Extensions(type, "0.0.0.0:9999"));
    ASSERT_EQ(w.size(), 1u) << type;
    EXPECT_EQ(w[0].rfind("test.yaml:3: extensions::" + std::string(type) + "::endpoint: " + type +
                             " listens on 0.0.0.0:9999, reachable from the network",
                         0),
              0u)
        << w[0];
    EXPECT_TRUE(Lint(Extensions(type, "localhost:9999")).empty()) << type;
    // Configured but not enabled in service::extensions: it never listens.
    EXPECT_TRUE(Lint(Extensions(type, "0.0.0.0:9999", false)).empty()) << type;
  }
}

TEST(Lint, OwnMetricsOnAllInterfacesWarns) {
  std::string yaml =
      "service:\n"
      "  telemetry:\n"
      "    metrics:\n"
      "      address: 0.0.0.0:8888\n"
      "  pipelines:\n"
      "    traces: {receivers: [nop], exporters: [nop]}\n";
  auto w = Lint(yaml);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].rfind("test.yaml:4: service::telemetry::metrics::address: the collector's own "
                       "metrics listen on 0.0.0.0:8888",
                       0),
            0u)
      << w[0];
  EXPECT_TRUE(Lint(yaml, {"service::telemetry::metrics::level=none"}).empty());
  EXPECT_TRUE(Lint(yaml, {"service::telemetry::metrics::address=localhost:8888"}).empty());
}

std::string Exporter(const std::string& type, const std::string& queue) {
  return "exporters:\n"
         "  " +
         type + ":\n    endpoint: backend:4317\n" + queue;
}

TEST(Lint, DisabledSendingQueueWarns) {
  auto w = Lint(Exporter("otlp", "    sending_queue:\n      enabled: false\n"));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].rfind("test.yaml:5: exporters::otlp::sending_queue::enabled: the sending queue "
                       "is disabled",
                       0),
            0u)
      << w[0];
  EXPECT_EQ(Lint(Exporter("clickhouse/x", "    sending_queue: {enabled: false}\n")).size(), 1u);
}

TEST(Lint, AbsentOrEnabledQueueIsFineBecauseOtelcolDefaultsItOn) {
  EXPECT_TRUE(Lint(Exporter("otlp", "")).empty());
  EXPECT_TRUE(Lint(Exporter("otlp", "    sending_queue: {queue_size: 10}\n")).empty());
  EXPECT_TRUE(Lint(Exporter("otlp", "    sending_queue: {enabled: true}\n")).empty());
  // Exporters without a sending queue (file, debug) are not concerned.
  EXPECT_TRUE(Lint(Exporter("debug", "    sending_queue: {enabled: false}\n")).empty());
}

TEST(Lint, LiteralSecretWarns) {
  std::string yaml =
      "exporters:\n"
      "  clickhouse:\n"
      "    password: hunter2\n"
      "  otlp:\n"
      "    headers:\n"
      "      authorization: \"Bearer abc\"\n"
      "  datadog:\n"
      "    api: {key: 0123abcd}\n";
  auto w = Lint(yaml);
  ASSERT_EQ(w.size(), 3u) << Joined(w);
  EXPECT_EQ(
      w[0].rfind("test.yaml:3: exporters::clickhouse::password: a secret written literally", 0), 0u)
      << w[0];
  EXPECT_EQ(w[1].rfind("test.yaml:6: exporters::otlp::headers::authorization: a secret written "
                       "literally",
                       0),
            0u)
      << w[1];
  EXPECT_EQ(w[2].rfind("test.yaml:8: exporters::datadog::api::key: a secret written literally", 0),
            0u)
      << w[2];
}

TEST(Lint, SecretWithALiteralDefaultWarns) {
  auto w = Lint("exporters:\n  clickhouse:\n    password: ${env:PW:-hunter2}\n");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("exporters::clickhouse::password: a secret with a literal default"),
            std::string::npos)
      << w[0];
}

TEST(Lint, SecretThroughAVariableIsFine) {
  for (const char* value :
       {"${env:PW}", "${PW}", "$PW", "${env:PW:-}", "\"Bearer ${env:TOKEN}\"", "\"\""}) {
    EXPECT_TRUE(
        Lint("exporters:\n  clickhouse:\n    password: " + std::string(value) + "\n").empty())
        << value;
  }
}

TEST(Lint, LiteralSecretFromSetWarns) {
  auto w = Lint("exporters:\n  clickhouse: {}\n", {"exporters::clickhouse::password=hunter2"});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("exporters::clickhouse::password: a secret written literally"),
            std::string::npos)
      << w[0];
}

TEST(Lint, AttributeActionKeyIsNotASecret) {
  EXPECT_TRUE(Lint("processors:\n"
                   "  resource:\n"
                   "    attributes:\n"
                   "      - key: environment\n"
                   "        value: production\n"
                   "        action: upsert\n")
                  .empty());
}

TEST(Lint, ProfilesRaiseNoWarnings) {
  for (const char* profile : {"development", "staging", "production", "file", "gateway"}) {
    std::string path = std::string(OCELOT_SOURCE_DIR) + "/configs/" + profile + ".yaml";
    config::EnvLookup none = [](const std::string&) { return std::nullopt; };
    auto r = config::Resolve({{path, ""}}, {}, none);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(Joined(LintConfig(r->root, r->unexpanded)), "") << profile;
  }
}

}  // namespace
}  // namespace ocelot::cmd
