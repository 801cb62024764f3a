// Head sampling by hash, decision for decision the same as otelcol-contrib 0.96's
// probabilisticsamplerprocessor: FNV-1a (32 bit) over the seed's 4 little-endian bytes and then
// the trace id, its low 14 bits compared with the percentage scaled to 16384 buckets. Every
// span of a trace gets the same decision, here and in any Go or ocelot collector with the seed.
//
// Decisions are counted as 0.96 counts them, per span or log record (label policy, sampled):
//   otelcol_processor_probabilistic_sampler_count_traces_sampled  policy sampling_priority |
//                                                                 trace_id_hash
//   otelcol_processor_probabilistic_sampler_count_logs_sampled    policy always_sampling |
//                                                                 trace_id_hash | <from_attribute>
//
// Threads: Consume may run on several threads at once; the samplers' only mutable state is
// their atomic counters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "component/component.h"
#include "processor/probabilisticsampler/config.h"
#include "telemetry/metrics.h"

namespace ocelot::processor::probabilisticsampler {

inline constexpr uint32_t kNumHashBuckets = 0x4000;
inline constexpr uint32_t kBitMaskHashBuckets = kNumHashBuckets - 1;

// computeHash: FNV-1a over i32tob(seed) then `data`.
uint32_t ComputeHash(std::string_view data, uint32_t seed);
// uint32(float32(percentage) * 163.84) with Go's float32 arithmetic; >= 16384 keeps everything.
uint32_t ScaledSamplingRate(double percentage);

// The sampled / not-sampled counters of one policy (null registry: not counted).
class DecisionCounters {
 public:
  DecisionCounters(telemetry::MetricsRegistry* registry, const std::string& name,
                   const std::string& policy);
  void Add(bool sampled, int64_t n) {
    if (n > 0 && counters_[sampled]) counters_[sampled]->Add(n);
  }

 private:
  telemetry::Counter* counters_[2] = {nullptr, nullptr};
};

class TracesSampler final : public component::ConsumingComponent, public consumer::TracesConsumer {
 public:
  // `metrics` may be null (tests): nothing is counted.
  TracesSampler(const Config& config, consumer::TracesConsumer* next,
                telemetry::MetricsRegistry* metrics = nullptr);

  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  // Drops unsampled spans (and scopes and resources left empty); a batch left empty is not
  // passed on, as Go's ErrSkipProcessingData does.
  absl::Status Consume(pdata::Traces batch) override;
  consumer::TracesConsumer* traces() override { return this; }

  // The decision for one span: its "sampling.priority" attribute, else the trace id hash.
  bool Keep(const opentelemetry::proto::trace::v1::Span& span) const { return Decide(span).keep; }

 private:
  struct Decision {
    bool keep;
    bool by_priority;  // policy sampling_priority, else trace_id_hash
  };
  Decision Decide(const opentelemetry::proto::trace::v1::Span& span) const;

  const uint32_t scaled_rate_;
  const uint32_t seed_;
  consumer::TracesConsumer* const next_;
  DecisionCounters by_priority_;
  DecisionCounters by_hash_;
};

class LogsSampler final : public component::ConsumingComponent, public consumer::LogsConsumer {
 public:
  LogsSampler(const Config& config, consumer::LogsConsumer* next,
              std::shared_ptr<spdlog::logger> logger,
              telemetry::MetricsRegistry* metrics = nullptr);

  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  absl::Status Consume(pdata::Logs batch) override;
  consumer::LogsConsumer* logs() override { return this; }

  bool Keep(const opentelemetry::proto::logs::v1::LogRecord& record) const {
    return Decide(record).keep;
  }

 private:
  enum class Policy { kAlways, kTraceId, kAttribute };
  struct Decision {
    bool keep;
    Policy policy;
  };
  Decision Decide(const opentelemetry::proto::logs::v1::LogRecord& record) const;

  const Config config_;
  const uint32_t scaled_rate_;
  const bool trace_id_enabled_;
  consumer::LogsConsumer* const next_;
  std::shared_ptr<spdlog::logger> logger_;
  DecisionCounters counters_[3];  // by Policy
};

}  // namespace ocelot::processor::probabilisticsampler
