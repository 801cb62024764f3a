// Prints what it receives to stderr, for trying a pipeline out. Threads: any; printing is
// serialised by a mutex so lines from concurrent batches do not interleave.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "component/component.h"
#include "exporter/debug/config.h"
#include "telemetry/obsreport.h"

namespace ocelot::exporter::debug {

class DebugExporter final : public component::ConsumingComponent,
                            public consumer::TracesConsumer,
                            public consumer::MetricsConsumer,
                            public consumer::LogsConsumer {
 public:
  // `metrics` (may be null) receives otelcol's exporter metrics under `id`.
  explicit DebugExporter(const Config& config, std::FILE* out = stderr,
                         telemetry::MetricsRegistry* metrics = nullptr,
                         const std::string& id = "debug");

  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  consumer::TracesConsumer* traces() override { return this; }
  consumer::MetricsConsumer* metrics() override { return this; }
  consumer::LogsConsumer* logs() override { return this; }

  absl::Status Consume(pdata::Traces batch) override;
  absl::Status Consume(pdata::Metrics batch) override;
  absl::Status Consume(pdata::Logs batch) override;

  // The text printed for a batch (exposed for tests).
  std::string Render(const pdata::Traces& batch) const;
  std::string Render(const pdata::Metrics& batch) const;
  std::string Render(const pdata::Logs& batch) const;

 private:
  void Print(const std::string& text);

  const Config config_;
  std::FILE* out_;
  telemetry::ExporterTelemetry telemetry_;
  std::mutex mu_;  // serialises writes to out_
};

}  // namespace ocelot::exporter::debug
