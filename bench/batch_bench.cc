// The batch processor's and file exporter's hot functions: appending chunks to a batch (by
// pointer), splitting at send_batch_max_size (copies only the straddling chunk), and the file
// exporter's encode + write of a batch.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "bench_spans.h"
#include "exporter/file/file_exporter.h"

namespace ocelot::bench {
namespace {

std::shared_ptr<pdata::Chunk<pdata::TracesRequest>> MakeChunk(int spans) {
  auto c = std::make_shared<pdata::Chunk<pdata::TracesRequest>>();
  FillTraces(&c->message(), spans);
  return c;
}

void BM_BatchAppend(benchmark::State& state) {
  auto chunk = MakeChunk(100);
  for (auto _ : state) {
    pdata::Traces batch;
    for (int i = 0; i < 82; ++i) batch.Append(chunk, 100);  // ~8192 spans
    benchmark::DoNotOptimize(batch.item_count());
  }
  state.SetItemsProcessed(state.iterations() * 8200);
}
BENCHMARK(BM_BatchAppend);

void BM_BatchTakeFrontSplit(benchmark::State& state) {
  auto chunk = MakeChunk(1000);
  for (auto _ : state) {
    pdata::Traces batch;
    for (int i = 0; i < 10; ++i) batch.Append(chunk, 1000);
    while (!batch.empty()) benchmark::DoNotOptimize(batch.TakeFront(4096).item_count());
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_BatchTakeFrontSplit);

class NullHost : public component::Host {
 public:
  boost::asio::io_context& io_context() override { return io_; }
  void ReportFatalError(const absl::Status&) override {}

 private:
  boost::asio::io_context io_;
};

void BM_FileExporterWriteJson(benchmark::State& state) {
  std::filesystem::create_directories("/tmp/ocelot-bench");
  exporter::file::Config config;
  config.path = "/tmp/ocelot-bench/batch_bench.json";
  config.format = state.range(0) ? "proto" : "json";
  config.rotation = exporter::file::RotationConfig{100, 0, 1, false};
  exporter::file::FileExporter e(config, spdlog::default_logger());
  NullHost host;
  if (!e.Start(host).ok()) {
    state.SkipWithError("cannot open the file");
    return;
  }
  pdata::Traces batch;
  for (int i = 0; i < 8; ++i) batch.Append(MakeChunk(1000));
  for (auto _ : state) benchmark::DoNotOptimize(e.Consume(batch).ok());
  e.Shutdown();
  state.SetItemsProcessed(state.iterations() * 8000);
  state.SetLabel(config.format);
}
BENCHMARK(BM_FileExporterWriteJson)->Arg(0)->Arg(1);

}  // namespace
}  // namespace ocelot::bench

BENCHMARK_MAIN();
