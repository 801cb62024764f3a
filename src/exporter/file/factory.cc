// The file exporter's one registration point: the FileExporter inside the exporter helper, which
// gives it the sending queue (off by default: writes stay synchronous, as in otelcol) and counts
// its exports.
#include "exporter/file/factory.h"

#include "exporter/file/file_exporter.h"
#include "exporterhelper/exporter.h"

namespace ocelot::exporter::file {
namespace {

// "Send once" for the helper: a write to the file. The FileExporter's own telemetry is left
// off (no registry) because the helper counts the outcome. Behind a persistent queue each write
// is flushed at once: the queue forgets a batch when Send returns, so it must be in the file by
// then, not in a buffer a crash would lose.
class FileSender final : public exporterhelper::Sender {
 public:
  FileSender(const Config& config, std::shared_ptr<spdlog::logger> logger, bool flush_each)
      : exporter_(config, std::move(logger)), flush_each_(flush_each) {}
  absl::Status Start(component::Host& host) override { return exporter_.Start(host); }
  void Shutdown() override { exporter_.Shutdown(); }
  absl::Status Send(const pdata::Traces& b, exporterhelper::Deadline) override { return Write(b); }
  absl::Status Send(const pdata::Metrics& b, exporterhelper::Deadline) override { return Write(b); }
  absl::Status Send(const pdata::Logs& b, exporterhelper::Deadline) override { return Write(b); }

 private:
  template <typename BatchT>
  absl::Status Write(const BatchT& batch) {
    absl::Status s = exporter_.Consume(batch);
    if (s.ok() && flush_each_) s = exporter_.Flush();
    return s;
  }

  FileExporter exporter_;
  const bool flush_each_;
};

class Factory final : public component::ExporterFactory {
 public:
  std::string type() const override { return "file"; }
  component::SignalStability signals() const override {
    using component::Stability;
    return {Stability::kAlpha, Stability::kAlpha, Stability::kAlpha};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::ConsumingComponent>> Create(
      const component::CreateSettings& settings, const component::Config& config) const override {
    const auto& c = static_cast<const Config&>(config);
    // As otelcol 0.96's file exporter: no retry, no timeout; the queue only when configured.
    exporterhelper::Settings helper;
    helper.timeout.timeout = config::Duration(0);
    helper.retry.enabled = false;
    helper.queue = c.queue;
    return std::make_unique<exporterhelper::Exporter>(
        settings, helper,
        std::make_unique<FileSender>(c, settings.logger, c.queue.enabled && c.queue.storage));
  }
};

}  // namespace

std::unique_ptr<component::ExporterFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::exporter::file
