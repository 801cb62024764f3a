// Head sampling by hash, decision for decision the same as otelcol-contrib 0.96's
// probabilisticsamplerprocessor: FNV-1a (32 bit) over the seed's 4 little-endian bytes and then
// the trace id, its low 14 bits compared with the percentage scaled to 16384 buckets. Every
// span of a trace gets the same decision, here and in any Go or ocelot collector with the seed.
//
// Threads: Consume may run on several threads at once; the samplers hold no mutable state.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "component/component.h"
#include "processor/probabilisticsampler/config.h"

namespace ocelot::processor::probabilisticsampler {

inline constexpr uint32_t kNumHashBuckets = 0x4000;
inline constexpr uint32_t kBitMaskHashBuckets = kNumHashBuckets - 1;

// computeHash: FNV-1a over i32tob(seed) then `data`.
uint32_t ComputeHash(std::string_view data, uint32_t seed);
// uint32(float32(percentage) * 163.84) with Go's float32 arithmetic; >= 16384 keeps everything.
uint32_t ScaledSamplingRate(double percentage);

class TracesSampler final : public component::ConsumingComponent, public consumer::TracesConsumer {
 public:
  TracesSampler(const Config& config, consumer::TracesConsumer* next);

  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  // Drops unsampled spans (and scopes and resources left empty); a batch left empty is not
  // passed on, as Go's ErrSkipProcessingData does.
  absl::Status Consume(pdata::Traces batch) override;
  consumer::TracesConsumer* traces() override { return this; }

  // The decision for one span: its "sampling.priority" attribute, else the trace id hash.
  bool Keep(const opentelemetry::proto::trace::v1::Span& span) const;

 private:
  const uint32_t scaled_rate_;
  const uint32_t seed_;
  consumer::TracesConsumer* const next_;
};

class LogsSampler final : public component::ConsumingComponent, public consumer::LogsConsumer {
 public:
  LogsSampler(const Config& config, consumer::LogsConsumer* next,
              std::shared_ptr<spdlog::logger> logger);

  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  absl::Status Consume(pdata::Logs batch) override;
  consumer::LogsConsumer* logs() override { return this; }

  bool Keep(const opentelemetry::proto::logs::v1::LogRecord& record) const;

 private:
  const Config config_;
  const uint32_t scaled_rate_;
  const bool trace_id_enabled_;
  consumer::LogsConsumer* const next_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace ocelot::processor::probabilisticsampler
