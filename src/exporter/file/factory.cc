// The file exporter's one registration point.
#include "exporter/file/factory.h"

#include "exporter/file/file_exporter.h"

namespace ocelot::exporter::file {
namespace {

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
    return std::make_unique<FileExporter>(static_cast<const Config&>(config), settings.logger);
  }
};

}  // namespace

std::unique_ptr<component::ExporterFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::exporter::file
