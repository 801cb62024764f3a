#include "processor/probabilisticsampler/sampler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "pdata/attribute_actions.h"

namespace ocelot::processor::probabilisticsampler {
namespace {

using opentelemetry::proto::logs::v1::LogRecord;
using opentelemetry::proto::trace::v1::Span;

// Go's percentageScaleFactor, numHashBuckets / 100.0.
constexpr double kPercentageScaleFactor = kNumHashBuckets / 100.0;

// Go's uint32(f) on amd64: truncate through int64, keep the low 32 bits; values outside int64
// (and NaN) give the "integer indefinite" 0x8000000000000000, whose low bits are 0.
uint32_t GoFloatToUint32(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) return 0;
  return static_cast<uint32_t>(static_cast<uint64_t>(static_cast<int64_t>(f)));
}

// pcommon.TraceID: exactly 16 bytes; an absent id reads as 16 zero bytes.
std::string_view TraceId(const std::string& id) {
  static const char kZero[16] = {};
  return id.size() == 16 ? std::string_view(id) : std::string_view(kZero, 16);
}

bool IsEmptyTraceId(const std::string& id) {
  return std::all_of(id.begin(), id.end(), [](char c) { return c == 0; });
}

enum class Priority { kDefer, kMustSample, kDoNotSample };

Priority Decide(double v) {
  if (v == 0) return Priority::kDoNotSample;
  return v > 0 ? Priority::kMustSample : Priority::kDefer;
}

// parseSpanSamplingPriority: OpenTracing's "sampling.priority" tag; 0 drops the span, a
// positive value keeps it, anything else leaves the decision to the hash.
Priority SpanSamplingPriority(const Span& span) {
  const auto* kv = pdata::FindAttribute(span.attributes(), "sampling.priority");
  if (kv == nullptr) return Priority::kDefer;
  const pdata::AnyValue& v = kv->value();
  switch (v.value_case()) {
    case pdata::AnyValue::kIntValue:
      return Decide(static_cast<double>(v.int_value()));
    case pdata::AnyValue::kDoubleValue:
      return Decide(v.double_value());
    case pdata::AnyValue::kStringValue: {
      const std::string& s = v.string_value();
      if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return Priority::kDefer;
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size()) return Priority::kDefer;
      return Decide(d);
    }
    default:
      return Priority::kDefer;
  }
}

// Removes the elements `drop` selects, keeping the others in order (Go's RemoveIf).
template <typename T, typename Pred>
void RemoveIf(google::protobuf::RepeatedPtrField<T>* list, Pred drop) {
  int kept = 0;
  for (int i = 0; i < list->size(); ++i) {
    if (drop(list->Mutable(i))) continue;
    if (kept != i) list->SwapElements(kept, i);
    ++kept;
  }
  list->DeleteSubrange(kept, list->size() - kept);
}

}  // namespace

uint32_t ComputeHash(std::string_view data, uint32_t seed) {
  uint32_t h = 2166136261u;
  auto add = [&h](uint8_t b) {
    h ^= b;
    h *= 16777619u;
  };
  for (int i = 0; i < 4; ++i) add(static_cast<uint8_t>(seed >> (8 * i)));
  for (char c : data) add(static_cast<uint8_t>(c));
  return h;
}

uint32_t ScaledSamplingRate(double percentage) {
  // README: values >= 100 keep everything. Clamping keeps huge values from overflowing the
  // conversion; for every percentage up to 100 the float32 product is exactly Go's.
  float pct = static_cast<float>(std::min(percentage, 100.0));
  float scaled = pct * static_cast<float>(kPercentageScaleFactor);
  return GoFloatToUint32(scaled);
}

DecisionCounters::DecisionCounters(telemetry::MetricsRegistry* registry, const std::string& name,
                                   const std::string& policy) {
  if (registry == nullptr) return;
  const std::string help = name.find("traces") != std::string::npos
                               ? "Count of traces that were sampled or not"
                               : "Count of logs that were sampled or not";
  for (bool sampled : {false, true}) {
    counters_[sampled] = &registry->GetCounter(
        name, {{"policy", policy}, {"sampled", sampled ? "true" : "false"}}, help);
  }
}

namespace {
constexpr char kTracesCounter[] = "otelcol_processor_probabilistic_sampler_count_traces_sampled";
constexpr char kLogsCounter[] = "otelcol_processor_probabilistic_sampler_count_logs_sampled";
}  // namespace

TracesSampler::TracesSampler(const Config& config, consumer::TracesConsumer* next,
                             telemetry::MetricsRegistry* metrics)
    : scaled_rate_(ScaledSamplingRate(config.sampling_percentage)),
      seed_(config.hash_seed),
      next_(next),
      by_priority_(metrics, kTracesCounter, "sampling_priority"),
      by_hash_(metrics, kTracesCounter, "trace_id_hash") {}

TracesSampler::Decision TracesSampler::Decide(const Span& span) const {
  Priority p = SpanSamplingPriority(span);
  if (p == Priority::kDoNotSample) return {false, true};
  if (p == Priority::kMustSample) return {true, true};
  return {(ComputeHash(TraceId(span.trace_id()), seed_) & kBitMaskHashBuckets) < scaled_rate_,
          false};
}

absl::Status TracesSampler::Consume(pdata::Traces batch) {
  bool changed = false;
  for (size_t i = 0; i < batch.entries().size(); ++i) {
    // Most chunks are either kept whole or dropped whole (one trace per request is common);
    // look before copying a shared chunk.
    // Each span's decision is counted once, here.
    const pdata::TracesRequest& in = batch.entries()[i].chunk->message();
    int64_t tally[2][2] = {};  // [by_priority][keep]
    for (const auto& rs : in.resource_spans()) {
      for (const auto& ss : rs.scope_spans()) {
        for (const Span& span : ss.spans()) {
          Decision d = Decide(span);
          ++tally[d.by_priority][d.keep];
        }
      }
    }
    for (bool keep : {false, true}) {
      by_priority_.Add(keep, tally[1][keep]);
      by_hash_.Add(keep, tally[0][keep]);
    }
    if (tally[0][0] + tally[1][0] == 0) continue;
    changed = true;
    RemoveIf(batch.MutableMessage(i).mutable_resource_spans(), [&](auto* rs) {
      RemoveIf(rs->mutable_scope_spans(), [&](auto* ss) {
        RemoveIf(ss->mutable_spans(), [&](Span* span) { return !Keep(*span); });
        return ss->spans_size() == 0;
      });
      return rs->scope_spans_size() == 0;
    });
  }
  if (changed) batch.Recount();
  if (batch.empty()) return absl::OkStatus();
  return next_->Consume(std::move(batch));
}

LogsSampler::LogsSampler(const Config& config, consumer::LogsConsumer* next,
                         std::shared_ptr<spdlog::logger> logger,
                         telemetry::MetricsRegistry* metrics)
    : config_(config),
      scaled_rate_(ScaledSamplingRate(config.sampling_percentage)),
      trace_id_enabled_(config.attribute_source == "traceID"),
      next_(next),
      logger_(std::move(logger)),
      // Go's policy tag: "always_sampling", "trace_id_hash", or the attribute's name.
      counters_{{metrics, kLogsCounter, "always_sampling"},
                {metrics, kLogsCounter, "trace_id_hash"},
                {config.from_attribute.empty() ? nullptr : metrics, kLogsCounter,
                 config.from_attribute}} {}

LogsSampler::Decision LogsSampler::Decide(const LogRecord& record) const {
  std::string_view id;
  bool have_id = false;
  Policy policy = Policy::kAlways;
  if (trace_id_enabled_ && !IsEmptyTraceId(record.trace_id())) {
    id = TraceId(record.trace_id());
    have_id = true;
    policy = Policy::kTraceId;
  }
  if (!have_id && !config_.from_attribute.empty()) {
    if (const auto* kv = pdata::FindAttribute(record.attributes(), config_.from_attribute)) {
      policy = Policy::kAttribute;
      const pdata::AnyValue& v = kv->value();
      if (v.value_case() == pdata::AnyValue::kStringValue) {
        id = v.string_value();
      } else if (v.value_case() == pdata::AnyValue::kBytesValue) {
        id = v.bytes_value();
      } else if (logger_ && logger_->should_log(spdlog::level::debug)) {
        // Go hashes nothing here (the record still gets a decision) and warns per record;
        // at debug level, a misconfigured attribute cannot flood the log.
        logger_->debug(
            "incompatible log record attribute {}, only String or Bytes supported; skipping log "
            "record",
            config_.from_attribute);
      }
    }
  }
  uint32_t priority = scaled_rate_;
  if (!config_.sampling_priority.empty()) {
    if (const auto* kv = pdata::FindAttribute(record.attributes(), config_.sampling_priority)) {
      const pdata::AnyValue& v = kv->value();
      if (v.value_case() == pdata::AnyValue::kDoubleValue) {
        priority = GoFloatToUint32(v.double_value() * kPercentageScaleFactor);
      } else if (v.value_case() == pdata::AnyValue::kIntValue) {
        priority = GoFloatToUint32(static_cast<double>(v.int_value()) * kPercentageScaleFactor);
      }
    }
  }
  return {(ComputeHash(id, config_.hash_seed) & kBitMaskHashBuckets) < priority, policy};
}

absl::Status LogsSampler::Consume(pdata::Logs batch) {
  using opentelemetry::proto::logs::v1::LogRecord;
  bool changed = false;
  for (size_t i = 0; i < batch.entries().size(); ++i) {
    // Each record's decision is counted once, here.
    const pdata::LogsRequest& in = batch.entries()[i].chunk->message();
    int64_t tally[3][2] = {};  // [policy][keep]
    for (const auto& rl : in.resource_logs()) {
      for (const auto& sl : rl.scope_logs()) {
        for (const LogRecord& r : sl.log_records()) {
          Decision d = Decide(r);
          ++tally[static_cast<int>(d.policy)][d.keep];
        }
      }
    }
    int64_t dropped = 0;
    for (int p = 0; p < 3; ++p) {
      for (bool keep : {false, true}) counters_[p].Add(keep, tally[p][keep]);
      dropped += tally[p][0];
    }
    if (dropped == 0) continue;
    changed = true;
    RemoveIf(batch.MutableMessage(i).mutable_resource_logs(), [&](auto* rl) {
      RemoveIf(rl->mutable_scope_logs(), [&](auto* sl) {
        RemoveIf(sl->mutable_log_records(), [&](LogRecord* r) { return !Keep(*r); });
        return sl->log_records_size() == 0;
      });
      return rl->scope_logs_size() == 0;
    });
  }
  if (changed) batch.Recount();
  if (batch.empty()) return absl::OkStatus();
  return next_->Consume(std::move(batch));
}

}  // namespace ocelot::processor::probabilisticsampler
