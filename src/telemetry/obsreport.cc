#include "telemetry/obsreport.h"

namespace ocelot::telemetry {
namespace {

int Index(pdata::Signal s) { return static_cast<int>(s); }

constexpr pdata::Signal kSignals[3] = {pdata::Signal::kTraces, pdata::Signal::kMetrics,
                                       pdata::Signal::kLogs};

std::string Help(const char* verb, pdata::Signal s, const char* tail) {
  const char* what = s == pdata::Signal::kTraces    ? "spans"
                     : s == pdata::Signal::kMetrics ? "metric points"
                                                    : "log records";
  return std::string("Number of ") + what + " " + verb + tail;
}

OperationSample MakeSample(int64_t items, const absl::Status& status, Clock::time_point started) {
  OperationSample s;
  auto now_steady = Clock::now();
  s.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(now_steady - started);
  s.start = std::chrono::system_clock::now() -
            std::chrono::duration_cast<std::chrono::system_clock::duration>(s.duration);
  s.items = items;
  if (!status.ok()) {
    s.error = true;
    s.message = std::string(status.message());
  }
  return s;
}

}  // namespace

const char* ItemName(pdata::Signal signal) {
  switch (signal) {
    case pdata::Signal::kTraces:
      return "spans";
    case pdata::Signal::kMetrics:
      return "metric_points";
    case pdata::Signal::kLogs:
      return "log_records";
  }
  return "items";
}

LazyCounters::LazyCounters(MetricsRegistry* registry, std::string prefix, Labels labels,
                           std::string help)
    : registry_(registry),
      prefix_(std::move(prefix)),
      labels_(std::move(labels)),
      help_(std::move(help)) {}

Counter* LazyCounters::For(pdata::Signal signal) {
  if (registry_ == nullptr) return nullptr;
  auto& slot = counters_[Index(signal)];
  Counter* c = slot.load(std::memory_order_acquire);
  if (c == nullptr) {
    // Two threads may race here; both get the same counter from the registry.
    c = &registry_->GetCounter(prefix_ + ItemName(signal), labels_,
                               Help(help_.c_str(), signal, ""));
    slot.store(c, std::memory_order_release);
  }
  return c;
}

ReceiverTelemetry::ReceiverTelemetry(MetricsRegistry* registry, const std::string& receiver,
                                     const std::string& transport)
    : registry_(registry),
      accepted_(registry, "otelcol_receiver_accepted_",
                {{"receiver", receiver}, {"transport", transport}},
                "successfully pushed into the pipeline."),
      refused_(registry, "otelcol_receiver_refused_",
               {{"receiver", receiver}, {"transport", transport}},
               "that could not be pushed into the pipeline.") {
  span_names_ = {"receiver/" + receiver + "/TraceDataReceived",
                 "receiver/" + receiver + "/MetricsReceived",
                 "receiver/" + receiver + "/LogsReceived"};
}

void ReceiverTelemetry::Record(pdata::Signal signal, int64_t items, const absl::Status& status,
                               Clock::time_point started) {
  if (registry_ == nullptr) return;
  (status.ok() ? accepted_ : refused_).For(signal)->Add(items);
  registry_->operations().Record(span_names_[Index(signal)], MakeSample(items, status, started));
}

ExporterTelemetry::ExporterTelemetry(MetricsRegistry* registry, const std::string& exporter)
    : registry_(registry),
      sent_(registry, "otelcol_exporter_sent_", {{"exporter", exporter}},
            "successfully sent to destination."),
      failed_(registry, "otelcol_exporter_send_failed_", {{"exporter", exporter}},
              "in failed attempts to send to destination.") {
  if (registry_ != nullptr)
    status_ = &registry_->component_status().Register("exporter/" + exporter);
  span_names_ = {"exporter/" + exporter + "/traces", "exporter/" + exporter + "/metrics",
                 "exporter/" + exporter + "/logs"};
}

void ExporterTelemetry::Record(pdata::Signal signal, int64_t items, const absl::Status& status,
                               Clock::time_point started) {
  if (registry_ == nullptr) return;
  if (status.ok()) {
    sent_.For(signal)->Add(items);
    status_->RecordSuccess();
  } else {
    failed_.For(signal)->Add(items);
    status_->RecordFailure(std::string(status.message()));
  }
  registry_->operations().Record(span_names_[Index(signal)], MakeSample(items, status, started));
}

BatchProcessorTelemetry::BatchProcessorTelemetry(MetricsRegistry* registry,
                                                 const std::string& processor) {
  if (registry == nullptr) return;
  const Labels labels = {{"processor", processor}};
  timeout_ = &registry->GetCounter("otelcol_processor_batch_timeout_trigger_send", labels,
                                   "Number of times the batch was sent due to a timeout trigger");
  size_ = &registry->GetCounter("otelcol_processor_batch_batch_size_trigger_send", labels,
                                "Number of times the batch was sent due to a size trigger");
  // otelcol 0.96's buckets for this histogram.
  send_size_ = &registry->GetHistogram(
      "otelcol_processor_batch_batch_send_size", labels,
      {10,   25,   50,   75,   100,  250,  500,   750,   1000,  2000,  3000,
       4000, 5000, 6000, 7000, 8000, 9000, 10000, 20000, 30000, 50000, 100000},
      "Number of units in the batch");
  cardinality_ = &registry->GetGauge("otelcol_processor_batch_metadata_cardinality", labels,
                                     "Number of distinct metadata value combinations being "
                                     "processed");
}

void BatchProcessorTelemetry::RecordMetadataCardinality(int64_t combinations) {
  if (cardinality_ != nullptr) cardinality_->Set(static_cast<double>(combinations));
}

void BatchProcessorTelemetry::RecordSend(Trigger trigger, int64_t items) {
  if (send_size_ == nullptr) return;
  if (trigger == Trigger::kTimeout) timeout_->Add(1);
  if (trigger == Trigger::kBatchSize) size_->Add(1);
  send_size_->Observe(static_cast<double>(items));
}

}  // namespace ocelot::telemetry
