// The pprof extension's one registration point.
#include "extension/pprof/factory.h"

#include "extension/pprof/pprof_extension.h"

namespace ocelot::extension::pprof {
namespace {

class Factory final : public component::ExtensionFactory {
 public:
  std::string type() const override { return "pprof"; }
  component::Stability stability() const override { return component::Stability::kBeta; }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::Component>> Create(
      const component::CreateSettings& settings, const component::Config& config) const override {
    return std::make_unique<PprofExtension>(static_cast<const Config&>(config), settings.logger);
  }
};

}  // namespace

std::unique_ptr<component::ExtensionFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::extension::pprof
