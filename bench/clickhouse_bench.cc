// The clickhouse exporter's encode step on its own: batches → RowBinary INSERT bodies, in
// items/s, with the RowBinary bytes per item. Batches are built the way they reach the exporter:
// requests of 100 items (the load generator's default shape, or the testbed-shaped spans of
// bench_spans.h) merged by the batch processor into one batch of N items.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "bench_spans.h"
#include "cmd/loadgen/payload.h"
#include "exporter/clickhouse/rows/rows.h"

namespace ocelot::bench {
namespace {

namespace ch = exporter::clickhouse;

template <typename Request>
pdata::Batch<Request> BatchOf(const std::string& request_proto, int items, int per_request) {
  pdata::Batch<Request> batch;
  for (int done = 0; done < items; done += per_request) {
    auto chunk = std::make_shared<pdata::Chunk<Request>>();
    chunk->message().ParseFromString(request_proto);
    batch.Append(std::move(chunk));
  }
  return batch;
}

std::string LoadgenRequest(const std::string& signal) {
  loadgen::Shape shape;  // 100 items, 5 attributes of 16 bytes, no events
  shape.signal = signal;
  return loadgen::BuildPayload(shape).proto;
}

template <typename Batch, typename Encode>
void RunEncode(benchmark::State& state, const Batch& batch, Encode encode) {
  size_t bytes = 0;
  size_t rows = 0;
  for (auto _ : state) {
    auto block = encode(batch);
    bytes = block.body.size();
    rows = block.rows;
    benchmark::DoNotOptimize(block.body.data());
  }
  state.SetItemsProcessed(state.iterations() * batch.item_count());
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["rowbinary_bytes_per_item"] = static_cast<double>(bytes) / rows;
}

void BM_EncodeTracesLoadgenShape(benchmark::State& state) {
  auto batch = BatchOf<pdata::TracesRequest>(LoadgenRequest("traces"), state.range(0), 100);
  RunEncode(state, batch, [](const pdata::Traces& b) { return ch::EncodeTraces(b, {}); });
}
BENCHMARK(BM_EncodeTracesLoadgenShape)->Arg(1000)->Arg(8200);

void BM_EncodeTracesTestbedShape(benchmark::State& state) {
  pdata::TracesRequest req;
  FillTraces(&req, 100);
  auto batch = BatchOf<pdata::TracesRequest>(req.SerializeAsString(), state.range(0), 100);
  RunEncode(state, batch, [](const pdata::Traces& b) { return ch::EncodeTraces(b, {}); });
}
BENCHMARK(BM_EncodeTracesTestbedShape)->Arg(1000)->Arg(8200);

void BM_EncodeLogsLoadgenShape(benchmark::State& state) {
  auto batch = BatchOf<pdata::LogsRequest>(LoadgenRequest("logs"), state.range(0), 100);
  RunEncode(state, batch, [](const pdata::Logs& b) { return ch::EncodeLogs(b, {}); });
}
BENCHMARK(BM_EncodeLogsLoadgenShape)->Arg(1000)->Arg(8200);

void BM_EncodeMetricsLoadgenShape(benchmark::State& state) {
  auto batch = BatchOf<pdata::MetricsRequest>(LoadgenRequest("metrics"), state.range(0), 100);
  RunEncode(state, batch, [](const pdata::Metrics& b) {
    auto blocks = ch::EncodeMetrics(b, {});
    return std::move(blocks->front());  // the loadgen sends one sum metric
  });
}
BENCHMARK(BM_EncodeMetricsLoadgenShape)->Arg(1000)->Arg(8200);

}  // namespace
}  // namespace ocelot::bench

BENCHMARK_MAIN();
