// What receivers, exporters and processors call to count their work with otelcol's metric names
// and labels (Go's obsreport): one object per component, created at create time, then one call
// per request or batch. Each also records the operation for tracez and, for exporters, the
// success or failure for health_check.
//
// Threads: Record* may be called from any thread, concurrently.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "pdata/batch.h"
#include "telemetry/metrics.h"

namespace ocelot::telemetry {

// otelcol's item names per signal: "spans", "metric_points", "log_records".
const char* ItemName(pdata::Signal signal);

// The signal of an OTLP request type or of a batch of it.
template <typename T>
constexpr pdata::Signal SignalOf() {
  if constexpr (std::is_same_v<T, pdata::TracesRequest> || std::is_same_v<T, pdata::Traces>) {
    return pdata::Signal::kTraces;
  } else if constexpr (std::is_same_v<T, pdata::MetricsRequest> ||
                       std::is_same_v<T, pdata::Metrics>) {
    return pdata::Signal::kMetrics;
  } else {
    static_assert(std::is_same_v<T, pdata::LogsRequest> || std::is_same_v<T, pdata::Logs>);
    return pdata::Signal::kLogs;
  }
}

// Counters of one family and component, created on first use so that only signals the component
// handles appear (as with otelcol, whose series appear when first recorded).
class LazyCounters {
 public:
  LazyCounters(MetricsRegistry* registry, std::string prefix, Labels labels, std::string help);
  Counter* For(pdata::Signal signal);  // null when there is no registry

 private:
  MetricsRegistry* const registry_;
  const std::string prefix_;  // "otelcol_receiver_accepted_"
  const Labels labels_;
  const std::string help_;
  std::array<std::atomic<Counter*>, 3> counters_{};
};

// otelcol_receiver_accepted_* / refused_* {receiver, transport}; span
// "receiver/<id>/TraceDataReceived" (MetricsReceived, LogsReceived).
class ReceiverTelemetry {
 public:
  // A null registry makes every call a no-op (tests that build receivers by hand).
  ReceiverTelemetry(MetricsRegistry* registry, const std::string& receiver,
                    const std::string& transport);
  // After the pipeline answered one request of `items` items.
  void Record(pdata::Signal signal, int64_t items, const absl::Status& status,
              Clock::time_point started);

 private:
  MetricsRegistry* const registry_;
  LazyCounters accepted_;
  LazyCounters refused_;
  std::array<std::string, 3> span_names_;
};

// otelcol_exporter_sent_* / send_failed_* {exporter}; span "exporter/<id>/traces"; the
// exporter's entry on the component status board ("exporter/<id>").
class ExporterTelemetry {
 public:
  ExporterTelemetry(MetricsRegistry* registry, const std::string& exporter);
  void Record(pdata::Signal signal, int64_t items, const absl::Status& status,
              Clock::time_point started);

 private:
  MetricsRegistry* const registry_;
  LazyCounters sent_;
  LazyCounters failed_;
  ComponentStatusEntry* status_ = nullptr;
  std::array<std::string, 3> span_names_;
};

// The one call an exporter makes per batch: runs `send` and counts its outcome. The shared
// exporter helper (queue, retry) takes this over when it wraps the exporter.
template <typename Send>
absl::Status CountExport(ExporterTelemetry& telemetry, pdata::Signal signal, int64_t items,
                         Send&& send) {
  const Clock::time_point started = Clock::now();
  absl::Status status = send();
  telemetry.Record(signal, items, status, started);
  return status;
}

// The batch processor's otelcol metrics: otelcol_processor_batch_batch_send_size (histogram),
// otelcol_processor_batch_timeout_trigger_send, otelcol_processor_batch_batch_size_trigger_send,
// all labelled {processor}.
class BatchProcessorTelemetry {
 public:
  enum class Trigger { kTimeout, kBatchSize, kShutdown };
  BatchProcessorTelemetry(MetricsRegistry* registry, const std::string& processor);
  // A batch of `items` items leaves the processor, sent because of `trigger`.
  void RecordSend(Trigger trigger, int64_t items);
  // The number of distinct metadata value combinations batched (metadata_keys).
  void RecordMetadataCardinality(int64_t combinations);

 private:
  Gauge* cardinality_ = nullptr;
  Counter* timeout_ = nullptr;
  Counter* size_ = nullptr;
  Histogram* send_size_ = nullptr;
};

}  // namespace ocelot::telemetry
