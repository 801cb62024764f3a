// Counting what a backend rejected in an OTLP partial-success response, shared by the otlp and
// otlphttp exporters (ocelot_exporter_partial_success_rejected_{spans,metric_points,log_records}).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pdata/batch.h"
#include "telemetry/metrics.h"

namespace ocelot::exporterhelper {

class PartialSuccessCounters {
 public:
  // `registry` may be null (tests): the counters then live in a registry of their own.
  PartialSuccessCounters(telemetry::MetricsRegistry* registry, const std::string& exporter) {
    if (registry == nullptr) {
      own_ = std::make_unique<telemetry::MetricsRegistry>();
      registry = own_.get();
    }
    const telemetry::Labels labels = {{"exporter", exporter}};
    int i = 0;
    for (const char* noun : {"spans", "metric_points", "log_records"}) {
      rejected_[i++] = &registry->GetCounter(
          std::string("ocelot_exporter_partial_success_rejected_") + noun, labels,
          std::string("Number of ") + noun + " the backend rejected in partial-success responses.");
    }
  }
  telemetry::Counter* For(pdata::Signal s) const { return rejected_[static_cast<int>(s)]; }

 private:
  std::unique_ptr<telemetry::MetricsRegistry> own_;
  telemetry::Counter* rejected_[3] = {};
};

// The rejected count of any Export*PartialSuccess message.
template <typename Partial>
int64_t RejectedCount(const Partial& p) {
  if constexpr (requires { p.rejected_spans(); }) return p.rejected_spans();
  if constexpr (requires { p.rejected_data_points(); }) return p.rejected_data_points();
  if constexpr (requires { p.rejected_log_records(); }) return p.rejected_log_records();
  return 0;
}

}  // namespace ocelot::exporterhelper
