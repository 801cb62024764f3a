// The nop exporter accepts and discards everything (for benchmarks and tests), as otelcol's.
#pragma once

#include <atomic>
#include <memory>

#include "component/factory.h"
#include "telemetry/obsreport.h"

namespace ocelot::exporter::nop {

struct Config final : component::Config {
  void Decode(config::MapDecoder&) override {}
};

class NopExporter final : public component::ConsumingComponent,
                          public consumer::TracesConsumer,
                          public consumer::MetricsConsumer,
                          public consumer::LogsConsumer {
 public:
  explicit NopExporter(telemetry::MetricsRegistry* metrics = nullptr, const std::string& id = "nop")
      : telemetry_(metrics, id) {}
  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  consumer::TracesConsumer* traces() override { return this; }
  consumer::MetricsConsumer* metrics() override { return this; }
  consumer::LogsConsumer* logs() override { return this; }
  absl::Status Consume(pdata::Traces b) override { return Count(b); }
  absl::Status Consume(pdata::Metrics b) override { return Count(b); }
  absl::Status Consume(pdata::Logs b) override { return Count(b); }
  uint64_t items() const { return items_.load(std::memory_order_relaxed); }

 private:
  template <typename BatchT>
  absl::Status Count(const BatchT& b) {
    const size_t n = b.item_count();
    return telemetry::CountExport(telemetry_, telemetry::SignalOf<BatchT>(), n, [&] {
      items_.fetch_add(n, std::memory_order_relaxed);
      return absl::OkStatus();
    });
  }
  telemetry::ExporterTelemetry telemetry_;
  std::atomic<uint64_t> items_{0};
};

std::unique_ptr<component::ExporterFactory> MakeFactory();

}  // namespace ocelot::exporter::nop
