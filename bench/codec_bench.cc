// The per-span costs on the hot path: protobuf decode into an arena chunk, and the OTLP/JSON
// encoding the file exporter writes.
#include <benchmark/benchmark.h>

#include "bench_spans.h"
#include "pdata/otlp_json.h"

namespace ocelot::bench {
namespace {

void BM_DecodeProtoIntoChunk(benchmark::State& state) {
  pdata::TracesRequest req;
  FillTraces(&req, static_cast<int>(state.range(0)));
  std::string wire = req.SerializeAsString();
  for (auto _ : state) {
    pdata::Chunk<pdata::TracesRequest> chunk;
    benchmark::DoNotOptimize(chunk.message().ParseFromString(wire));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * wire.size());
}
BENCHMARK(BM_DecodeProtoIntoChunk)->Arg(100)->Arg(1000);

void BM_EncodeOtlpJson(benchmark::State& state) {
  pdata::TracesRequest req;
  FillTraces(&req, static_cast<int>(state.range(0)));
  std::string out;
  for (auto _ : state) {
    out.clear();
    pdata::AppendOtlpJson(req, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * out.size());
}
BENCHMARK(BM_EncodeOtlpJson)->Arg(100)->Arg(1000);

// The reflection-driven encoder the typed one replaced for traces (same bytes).
void BM_EncodeOtlpJsonByReflection(benchmark::State& state) {
  pdata::TracesRequest req;
  FillTraces(&req, static_cast<int>(state.range(0)));
  std::string out;
  for (auto _ : state) {
    out.clear();
    pdata::AppendOtlpJsonByReflection(req, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * out.size());
}
BENCHMARK(BM_EncodeOtlpJsonByReflection)->Arg(1000);

void BM_ParseOtlpJson(benchmark::State& state) {
  pdata::TracesRequest req;
  FillTraces(&req, static_cast<int>(state.range(0)));
  std::string json;
  pdata::AppendOtlpJson(req, &json);
  for (auto _ : state) {
    pdata::Chunk<pdata::TracesRequest> chunk;
    benchmark::DoNotOptimize(pdata::ParseOtlpJson(json, &chunk.message()).ok());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * json.size());
}
BENCHMARK(BM_ParseOtlpJson)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace ocelot::bench

BENCHMARK_MAIN();
