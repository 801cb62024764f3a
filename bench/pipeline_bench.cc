// Whole-path throughput: a gRPC client sends pre-encoded 1000-span (or 100-span) OTLP trace
// requests to an in-process collector (otlp → batch → nop | file), keeping several calls in
// flight, as h2load does against other collectors. Plus the real binary's idle RSS and time to
// ready. Client and collector share the machine: spans/s is a lower bound for the collector.
#include <benchmark/benchmark.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "bench_spans.h"
#include "cmd/ocelot/registry.h"
#include "config/resolve.h"
#include "service/service.h"

namespace ocelot::bench {
namespace {

constexpr int kPort = 24317;
constexpr int kWindow = 8;  // calls in flight

std::string PipelineConfig(const std::string& exporter) {
  return "receivers: {otlp: {protocols: {grpc: {endpoint: 127.0.0.1:" + std::to_string(kPort) +
         "}}}}\n"
         "processors: {batch: {send_batch_size: 8192, timeout: 200ms}}\n"
         "exporters:\n  nop: {}\n  file: {path: /tmp/ocelot-bench/traces.json, "
         "rotation: {max_megabytes: 100, max_backups: 1}}\n"
         "service:\n  telemetry: {logs: {level: warn}}\n"
         "  pipelines: {traces: {receivers: [otlp], processors: [batch], exporters: [" +
         exporter + "]}}\n";
}

std::unique_ptr<service::Service> StartCollector(const std::string& exporter) {
  static component::Registry registry = cmd::BuildRegistry();
  auto resolved =
      config::Resolve({{"bench", PipelineConfig(exporter)}}, {}, config::ProcessEnvironment());
  if (!resolved.ok()) return nullptr;
  config::Diagnostics diag;
  static service::ServiceConfig cfg;
  cfg = service::DecodeServiceConfig(resolved->root, registry, &diag);
  if (!diag.ok()) return nullptr;
  auto svc = std::make_unique<service::Service>();
  if (!svc->Start(cfg).ok()) return nullptr;
  return svc;
}

void RunLoad(benchmark::State& state, const std::string& exporter) {
  const int spans = static_cast<int>(state.range(0));
  auto svc = StartCollector(exporter);
  if (!svc) {
    state.SkipWithError("collector did not start");
    return;
  }
  pdata::TracesRequest req;
  FillTraces(&req, spans);
  std::string wire = req.SerializeAsString();
  grpc::Slice slice(wire);
  grpc::ByteBuffer payload(&slice, 1);

  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(kPort), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  struct Call {
    grpc::ClientContext ctx;
    grpc::ByteBuffer response;
    grpc::Status status;
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  };
  const std::string method = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
  auto launch = [&] {
    auto* call = new Call();
    call->reader = stub.PrepareUnaryCall(&call->ctx, method, payload, &cq);
    call->reader->StartCall();
    call->reader->Finish(&call->response, &call->status, call);
  };
  int inflight = 0;
  int64_t failures = 0;
  for (; inflight < kWindow; ++inflight) launch();
  for (auto _ : state) {
    void* tag = nullptr;
    bool ok = false;
    cq.Next(&tag, &ok);
    auto* call = static_cast<Call*>(tag);
    if (!call->status.ok()) ++failures;
    delete call;
    launch();
  }
  while (inflight-- > 0) {
    void* tag = nullptr;
    bool ok = false;
    cq.Next(&tag, &ok);
    delete static_cast<Call*>(tag);
  }
  cq.Shutdown();
  svc->RequestStop();
  svc->Shutdown();
  state.SetItemsProcessed(state.iterations() * spans);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(wire.size()));
  state.counters["failed_calls"] = static_cast<double>(failures);
}

void BM_GrpcBatchNop(benchmark::State& state) { RunLoad(state, "nop"); }
void BM_GrpcBatchFile(benchmark::State& state) {
  std::filesystem::remove_all("/tmp/ocelot-bench");
  RunLoad(state, "file");
}
BENCHMARK(BM_GrpcBatchNop)->Arg(100)->Arg(1000)->UseRealTime()->MinTime(3);
BENCHMARK(BM_GrpcBatchFile)->Arg(100)->Arg(1000)->UseRealTime()->MinTime(3);

long RssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

bool PortOpen(int port) {
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  return channel->WaitForConnected(std::chrono::system_clock::now() +
                                   std::chrono::milliseconds(100));
}

// The real binary, default-like pipeline (otlp → batch → file): RSS after start with no load,
// and the time from exec to accepting gRPC connections.
void BM_IdleRss(benchmark::State& state) {
  std::filesystem::create_directories("/tmp/ocelot-bench");
  std::ofstream("/tmp/ocelot-bench/idle.yaml") << PipelineConfig("file");
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    std::string bin = OCELOT_BINARY;
    char* argv[] = {bin.data(), const_cast<char*>("--config"),
                    const_cast<char*>("/tmp/ocelot-bench/idle.yaml"), nullptr};
    pid_t pid = -1;
    posix_spawn(&pid, argv[0], nullptr, nullptr, argv, environ);
    while (!PortOpen(kPort)) {
    }
    auto ready = std::chrono::steady_clock::now() - start;
    // Let start-up allocations settle before reading RSS: idle means idle for a while.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    state.counters["rss_mib"] = RssKiB(pid) / 1024.0;
    state.counters["ready_ms"] =
        std::chrono::duration_cast<std::chrono::microseconds>(ready).count() / 1000.0;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
  }
}
BENCHMARK(BM_IdleRss)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ocelot::bench

BENCHMARK_MAIN();
