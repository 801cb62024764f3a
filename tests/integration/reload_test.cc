// Hot reload end to end: SIGHUP / `ocelot reload` to a good config (it takes effect), to an
// invalid one (rolled back, still serving), `ocelot config history` and `config rollback`, and
// reloads under load with no span lost.
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "integration/collector_process.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "pdata/otlp_json.h"
#include "testing/otlp_fixtures.h"
#include "testing/temp_dir.h"
#include "testing/wait.h"

namespace ocelot::testing {
namespace {

namespace trace_service = opentelemetry::proto::collector::trace::v1;

size_t CountSpans(const std::string& path) {
  size_t total = 0;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    pdata::TracesRequest r;
    EXPECT_TRUE(pdata::ParseOtlpJson(line, &r).ok());
    total += pdata::CountItems(r);
  }
  return total;
}

class Reload : public ::testing::Test {
 protected:
  TempDir dir;
  int port = FreePort();
  std::string config = dir / "config.yaml";

  void SetUp() override { setenv("OCELOT_HISTORY_DIR", (dir / "history").c_str(), 1); }
  void TearDown() override { unsetenv("OCELOT_HISTORY_DIR"); }

  void WriteConfig(const std::string& out_file, const std::string& extra = "") {
    std::ofstream(config) << "receivers:\n  otlp:\n    protocols:\n      grpc:\n"
                             "        endpoint: 127.0.0.1:"
                          << port << "\n"
                          << "processors:\n  batch: {timeout: 1h, send_batch_size: 1000000}\n"
                          << "exporters:\n  file: {path: " << (dir / out_file) << "}\n"
                          << extra
                          << "service:\n  pipelines:\n    traces: {receivers: [otlp], "
                             "processors: [batch], exporters: [file]}\n";
  }

  std::unique_ptr<CollectorProcess> Start() {
    auto p = std::make_unique<CollectorProcess>(
        std::vector<std::string>{"--config", config}, dir / "stderr.txt",
        std::vector<std::string>{"OCELOT_HISTORY_DIR=" + (dir / "history")});
    EXPECT_TRUE(WaitForPort(port)) << p->Stderr();
    return p;
  }

  bool Send(int spans) {
    auto stub = trace_service::TraceService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    trace_service::ExportTraceServiceResponse resp;
    return stub->Export(&ctx, MakeTraces(1, spans)->message(), &resp).ok();
  }
};

TEST_F(Reload, GoodConfigTakesEffectBadOneIsRolledBackAndHistoryRollsBack) {
  WriteConfig("a.json");
  auto collector = Start();
  ASSERT_TRUE(Send(3));

  WriteConfig("b.json");
  std::string out, err;
  EXPECT_EQ(RunOcelot({"reload"}, &out, &err), 0) << out << err;
  EXPECT_EQ(out, "ok: version 2\n");
  ASSERT_TRUE(WaitForPort(port));
  ASSERT_TRUE(Send(4));

  WriteConfig("c.json", "  bogus_exporter_type: {}\n");
  EXPECT_EQ(RunOcelot({"reload"}, &out, &err), 1);
  EXPECT_EQ(out.rfind("rejected: ", 0), 0u) << out;
  EXPECT_NE(out.find("bogus_exporter_type"), std::string::npos) << out;
  ASSERT_TRUE(Send(5));  // still serving the previous (b) configuration

  EXPECT_EQ(RunOcelot({"config", "history"}, &out, &err), 0);
  EXPECT_NE(out.find("\n1 "), std::string::npos) << out;
  EXPECT_NE(out.find("\n2 "), std::string::npos) << out;
  EXPECT_NE(out.find(config + "  (newest)"), std::string::npos) << out;

  EXPECT_EQ(RunOcelot({"config", "rollback"}, &out, &err), 0) << out << err;
  EXPECT_NE(out.find("rolling back to version 1"), std::string::npos) << out;
  EXPECT_NE(out.find("ok: version 3"), std::string::npos) << out;
  ASSERT_TRUE(WaitForPort(port));
  ASSERT_TRUE(Send(6));  // version 1 writes to a.json again

  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
  EXPECT_EQ(CountSpans(dir / "a.json"), 3u + 6u);
  EXPECT_EQ(CountSpans(dir / "b.json"), 4u + 5u);
  EXPECT_NE(collector->Stderr().find("reload rejected, still running the previous configuration"),
            std::string::npos);
}

TEST_F(Reload, ReloadsUnderLoadLoseNothingAcknowledged) {
  WriteConfig("out.json");
  auto collector = Start();
  std::atomic<bool> done{false};
  std::atomic<size_t> acknowledged{0};
  std::thread client([&] {
    auto stub = trace_service::TraceService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
    while (!done) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      ctx.set_wait_for_ready(true);  // ride through the moment the port reopens
      trace_service::ExportTraceServiceResponse resp;
      if (stub->Export(&ctx, MakeTraces(1, 10)->message(), &resp).ok()) acknowledged += 10;
    }
  });
  for (int i = 0; i < 3; ++i) {
    size_t before = acknowledged;
    ASSERT_TRUE(WaitUntil([&] { return acknowledged > before + 50; }, std::chrono::seconds(20)));
    ASSERT_EQ(kill(collector->pid(), SIGHUP), 0);
    // Each reload of the same content keeps version 1 and reports ok.
    ASSERT_TRUE(
        WaitUntil([&] { return ReadFile(dir / "history/last-reload.txt").rfind("ok", 0) == 0; },
                  std::chrono::seconds(20)));
    std::filesystem::remove(dir / "history/last-reload.txt");
  }
  done = true;
  client.join();
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
  EXPECT_EQ(CountSpans(dir / "out.json"), acknowledged.load());
  EXPECT_GT(acknowledged.load(), 150u);
}

}  // namespace
}  // namespace ocelot::testing
