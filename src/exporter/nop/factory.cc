// The nop exporter's one registration point.
#include "exporter/nop/nop_exporter.h"

namespace ocelot::exporter::nop {
namespace {

class Factory final : public component::ExporterFactory {
 public:
  std::string type() const override { return "nop"; }
  component::SignalStability signals() const override {
    using component::Stability;
    return {Stability::kBeta, Stability::kBeta, Stability::kBeta};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::ConsumingComponent>> Create(
      const component::CreateSettings& settings, const component::Config&) const override {
    return std::make_unique<NopExporter>(settings.metrics, settings.id.ToString());
  }
};

}  // namespace

std::unique_ptr<component::ExporterFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::exporter::nop
