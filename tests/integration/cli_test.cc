// The ocelot command line as a user runs it: validate, print-config, components, --version.
#include <gtest/gtest.h>

#include <fstream>

#include "integration/collector_process.h"
#include "testing/temp_dir.h"

namespace ocelot::testing {
namespace {

const std::string kReference = std::string(OCELOT_SOURCE_DIR) + "/../shared/reference/letta-otel/";

int CountLines(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

TEST(Cli, VersionPrintsOnTheFirstLine) {
  std::string out;
  ASSERT_EQ(RunOcelot({"--version"}, &out, nullptr), 0);
  EXPECT_EQ(out.rfind("ocelot version ", 0), 0u) << out;
}

TEST(Cli, EveryCommandHasHelp) {
  for (std::string cmd : {"validate", "components", "print-config"}) {
    std::string out;
    ASSERT_EQ(RunOcelot({cmd, "--help"}, &out, nullptr), 0);
    EXPECT_NE(out.find("Usage: ocelot " + cmd), std::string::npos) << out;
  }
  std::string out;
  ASSERT_EQ(RunOcelot({"--help"}, &out, nullptr), 0);
  EXPECT_NE(out.find("Usage: ocelot"), std::string::npos);
}

TEST(Cli, ValidateAcceptsTheFileReferenceConfigs) {
  for (const char* f : {"otel-collector-config-file-dev.yaml", "otel-collector-config-file.yaml"}) {
    std::string err;
    EXPECT_EQ(RunOcelot({"validate", "--config", kReference + f}, nullptr, &err), 0) << f << err;
  }
}

// For the other reference configs, validate names exactly the component types later
// versions build, each with its file and line, and nothing else.
TEST(Cli, ValidateNamesOnlyTheComponentsNotBuiltYet) {
  struct Case {
    const char* file;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"otel-collector-config-clickhouse-dev.yaml", {}},
      {"otel-collector-config-clickhouse.yaml", {"clickhouse.yaml:8: receivers::filelog"}},
      {"otel-collector-config-clickhouse-prod.yaml",
       {"prod.yaml:8: receivers::filelog", "prod.yaml:56: exporters::datadog"}},
  };
  // The clickhouse exporter is built: given its endpoint, it validates.
  ::setenv("CLICKHOUSE_ENDPOINT", "http://127.0.0.1:8123", 1);
  for (const Case& c : cases) {
    std::string err;
    EXPECT_EQ(RunOcelot({"validate", "--config", kReference + c.file}, nullptr, &err),
              c.expected.empty() ? 0 : 1)
        << c.file << err;
    EXPECT_EQ(CountLines(err, "is not built into this ocelot version yet"),
              static_cast<int>(c.expected.size()))
        << err;
    EXPECT_EQ(CountLines(err, "\n  "), static_cast<int>(c.expected.size())) << err;
    for (const std::string& e : c.expected) EXPECT_NE(err.find(e), std::string::npos) << e << err;
  }
  ::unsetenv("CLICKHOUSE_ENDPOINT");
}

TEST(Cli, ValidateListsEveryErrorAtOnce) {
  TempDir dir;
  std::ofstream(dir / "bad.yaml") << "receivers:\n"
                                     "  otlp:\n"
                                     "    protocols:\n"
                                     "      grpc:\n"
                                     "        endpoint: nohost\n"
                                     "processors:\n"
                                     "  batch:\n"
                                     "    timeout: 10\n"
                                     "    send_batch_sise: 5\n"
                                     "exporters:\n"
                                     "  file:\n"
                                     "    path: /tmp/x.json\n"
                                     "service:\n"
                                     "  pipelines:\n"
                                     "    traces:\n"
                                     "      receivers: [otlp]\n"
                                     "      processors: [batch]\n"
                                     "      exporters: [file, debug]\n";
  std::string err;
  EXPECT_EQ(RunOcelot({"validate", "--config", dir / "bad.yaml"}, nullptr, &err), 1);
  const std::string f = dir / "bad.yaml";
  EXPECT_NE(err.find("invalid configuration (4 errors)"), std::string::npos) << err;
  EXPECT_NE(err.find(f + ":5: receivers::otlp::protocols::grpc::endpoint: invalid endpoint"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(f + ":8: processors::batch::timeout: invalid duration \"10\""),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(f + ":9: processors::batch: unknown key \"send_batch_sise\" (did you mean "
                         "\"send_batch_size\"?)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(f + ":18: service::pipelines::traces::exporters: references exporter "
                         "\"debug\" which is not configured in exporters"),
            std::string::npos)
      << err;
}

TEST(Cli, MergesConfigsAndAppliesSet) {
  TempDir dir;
  std::ofstream(dir / "a.yaml") << "receivers: {nop: {}}\nexporters: {nop: {}}\n"
                                   "processors: {batch: {timeout: 1s}}\n"
                                   "service: {pipelines: {traces: {receivers: [nop], "
                                   "exporters: [nop]}}}\n";
  std::ofstream(dir / "b.yaml") << "processors: {batch: {send_batch_size: 7}}\n";
  std::string out;
  ASSERT_EQ(RunOcelot({"print-config", "--config", dir / "a.yaml", "--config", dir / "b.yaml",
                       "--set", "processors::batch::timeout=3s"},
                      &out, nullptr),
            0);
  EXPECT_NE(out.find("timeout: 3s"), std::string::npos) << out;
  EXPECT_NE(out.find("send_batch_size: 7"), std::string::npos) << out;
}

TEST(Cli, PrintConfigRedactsSecrets) {
  std::string out;
  setenv("SIGNOZ_INGESTION_KEY", "s3cr3t-ingest", 1);
  ASSERT_EQ(
      RunOcelot({"print-config", "--config", kReference + "otel-collector-config-signoz.yaml"},
                &out, nullptr),
      0);
  unsetenv("SIGNOZ_INGESTION_KEY");
  EXPECT_EQ(out.find("s3cr3t-ingest"), std::string::npos) << out;
  EXPECT_NE(out.find("signoz-ingestion-key: \"[REDACTED]\""), std::string::npos) << out;
}

TEST(Cli, ComponentsListsEveryKindWithStability) {
  std::string out;
  ASSERT_EQ(RunOcelot({"components"}, &out, nullptr), 0);
  for (const char* s :
       {"receivers:", "processors:", "exporters:", "extensions:", "name: otlp", "name: batch",
        "name: file", "name: debug", "name: nop", "traces: stable"}) {
    EXPECT_NE(out.find(s), std::string::npos) << s << "\n" << out;
  }
}

}  // namespace
}  // namespace ocelot::testing
