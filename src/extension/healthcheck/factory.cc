// The health_check extension's one registration point.
#include "extension/healthcheck/factory.h"

#include "extension/healthcheck/health_check.h"

namespace ocelot::extension::healthcheck {
namespace {

class Factory final : public component::ExtensionFactory {
 public:
  std::string type() const override { return "health_check"; }
  component::Stability stability() const override { return component::Stability::kBeta; }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::Component>> Create(
      const component::CreateSettings& settings, const component::Config& config) const override {
    return std::make_unique<HealthCheck>(static_cast<const Config&>(config), settings.logger,
                                         settings.metrics);
  }
};

}  // namespace

std::unique_ptr<component::ExtensionFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::extension::healthcheck
