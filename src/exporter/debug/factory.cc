// The debug exporter's one registration point.
#include "exporter/debug/factory.h"

#include "exporter/debug/debug_exporter.h"

namespace ocelot::exporter::debug {
namespace {

class Factory final : public component::ExporterFactory {
 public:
  std::string type() const override { return "debug"; }
  component::SignalStability signals() const override {
    using component::Stability;
    return {Stability::kDevelopment, Stability::kDevelopment, Stability::kDevelopment};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::ConsumingComponent>> Create(
      const component::CreateSettings& settings, const component::Config& config) const override {
    return std::make_unique<DebugExporter>(static_cast<const Config&>(config), stderr,
                                           settings.metrics, settings.id.ToString());
  }
};

}  // namespace

std::unique_ptr<component::ExporterFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::exporter::debug
