// Writes every batch it receives to one file, in the Go file exporter's formats: OTLP/JSON one
// request object per line, or protobuf with a 4-byte big-endian length before each message.
//
// Threads: Consume runs on the callers' threads and encodes there (in parallel); only the
// append to the write buffer and the write itself take the lock. The periodic flush runs on
// the I/O pool.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "component/component.h"
#include "exporter/file/config.h"
#include "exporter/file/rotating_file.h"
#include "telemetry/obsreport.h"

namespace ocelot::exporter::file {

class FileExporter final : public component::ConsumingComponent,
                           public consumer::TracesConsumer,
                           public consumer::MetricsConsumer,
                           public consumer::LogsConsumer {
 public:
  // `metrics` (may be null) receives otelcol's exporter metrics under `id`.
  FileExporter(const Config& config, std::shared_ptr<spdlog::logger> logger,
               telemetry::MetricsRegistry* metrics = nullptr, const std::string& id = "file");
  ~FileExporter() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;

  consumer::TracesConsumer* traces() override { return this; }
  consumer::MetricsConsumer* metrics() override { return this; }
  consumer::LogsConsumer* logs() override { return this; }

  absl::Status Consume(pdata::Traces batch) override;
  absl::Status Consume(pdata::Metrics batch) override;
  absl::Status Consume(pdata::Logs batch) override;

  // Writes buffered data to the file now.
  absl::Status Flush();

 private:
  template <typename BatchT>
  absl::Status Write(const BatchT& batch);  // counts, then WriteEncoded
  template <typename BatchT>
  absl::Status WriteEncoded(const BatchT& batch);
  absl::Status AppendEncoded(std::string_view encoded);  // takes mu_
  absl::Status FlushLocked();
  void ScheduleFlush();

  const Config config_;
  std::shared_ptr<spdlog::logger> logger_;
  telemetry::ExporterTelemetry telemetry_;

  std::mutex mu_;  // guards file_, buffer_, stopped_
  std::unique_ptr<RotatingFile> file_;
  std::string buffer_;
  bool stopped_ = false;

  struct FlushTimer;
  std::shared_ptr<FlushTimer> flush_timer_;
};

}  // namespace ocelot::exporter::file
