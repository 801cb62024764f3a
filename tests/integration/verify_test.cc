// `ocelot verify` against a running collector: every check passes on a healthy one; a closed
// port or a stopped collector fails the right checks and the exit status.
#include <gtest/gtest.h>

#include <fstream>

#include "integration/collector_process.h"
#include "testing/temp_dir.h"

namespace ocelot::testing {
namespace {

class Verify : public ::testing::Test {
 protected:
  TempDir dir;
  int grpc = FreePort(), http = FreePort(), health = FreePort(), metrics = FreePort();

  void SetUp() override { setenv("OCELOT_HISTORY_DIR", (dir / "history").c_str(), 1); }
  void TearDown() override { unsetenv("OCELOT_HISTORY_DIR"); }

  std::string Config(const std::string& name, int http_port) {
    std::string path = dir / name;
    std::ofstream(path) << "receivers:\n  otlp:\n    protocols:\n"
                        << "      grpc: {endpoint: 127.0.0.1:" << grpc << "}\n"
                        << "      http: {endpoint: 127.0.0.1:" << http_port << "}\n"
                        << "exporters:\n  nop: {}\n"
                        << "extensions:\n  health_check: {endpoint: 127.0.0.1:" << health << "}\n"
                        << "service:\n  extensions: [health_check]\n"
                        << "  telemetry: {metrics: {address: 127.0.0.1:" << metrics << "}}\n"
                        << "  pipelines:\n    traces: {receivers: [otlp], exporters: [nop]}\n";
    return path;
  }
};

TEST_F(Verify, HealthyCollectorPassesEveryCheck) {
  std::string config = Config("c.yaml", http);
  CollectorProcess collector({"--config", config}, dir / "stderr.txt",
                             {"OCELOT_HISTORY_DIR=" + (dir / "history")});
  ASSERT_TRUE(WaitForPort(http) && WaitForPort(health) && WaitForPort(metrics))
      << collector.Stderr();
  std::string out, err;
  EXPECT_EQ(RunOcelot({"verify", "--config", config}, &out, &err), 0) << out << err;
  for (const char* line : {"\u2713 process", "\u2713 health_check", "\u2713 otlp grpc",
                           "\u2713 otlp http", "\u2713 exporter nop", "all checks passed"}) {
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  }
  EXPECT_EQ(RunOcelot({"verify", "--config", config, "--json"}, &out, &err), 0);
  EXPECT_EQ(out.rfind("{\"ok\":true,\"checks\":[", 0), 0u) << out;
  EXPECT_EQ(collector.Stop(), 0);
}

TEST_F(Verify, ClosedPortAndStoppedCollectorFail) {
  std::string config = Config("c.yaml", http);
  CollectorProcess collector({"--config", config}, dir / "stderr.txt",
                             {"OCELOT_HISTORY_DIR=" + (dir / "history")});
  ASSERT_TRUE(WaitForPort(http) && WaitForPort(metrics)) << collector.Stderr();
  // A config naming an HTTP port nobody serves: that check fails, the others pass.
  std::string wrong = Config("wrong.yaml", FreePort());
  std::string out, err;
  EXPECT_EQ(RunOcelot({"verify", "--config", wrong}, &out, &err), 1) << out;
  EXPECT_NE(out.find("\u2717 otlp http"), std::string::npos) << out;
  EXPECT_NE(out.find("\u2713 otlp grpc"), std::string::npos) << out;
  EXPECT_EQ(collector.Stop(), 0);
  EXPECT_EQ(RunOcelot({"verify", "--config", config}, &out, &err), 1);
  EXPECT_NE(out.find("\u2717 process"), std::string::npos) << out;
  EXPECT_NE(out.find("\u2717 health_check"), std::string::npos) << out;
  EXPECT_NE(out.find("some checks failed"), std::string::npos) << out;
}

}  // namespace
}  // namespace ocelot::testing
