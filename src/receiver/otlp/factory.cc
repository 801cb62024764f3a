// The otlp receiver's one registration point.
#include "receiver/otlp/factory.h"

#include "receiver/otlp/otlp_receiver.h"

namespace ocelot::receiver::otlp {
namespace {

class Factory final : public component::ReceiverFactory {
 public:
  std::string type() const override { return "otlp"; }
  component::SignalStability signals() const override {
    using component::Stability;
    return {Stability::kStable, Stability::kStable, Stability::kBeta};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    // As in Go, only the protocols the config lists are enabled (each with its defaults).
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::Component>> Create(
      const component::CreateSettings& settings, const component::Config& config,
      const component::NextConsumers& next) const override {
    return std::make_unique<OtlpReceiver>(static_cast<const Config&>(config), next,
                                          settings.metrics, settings.id.ToString());
  }
};

}  // namespace

std::unique_ptr<component::ReceiverFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::receiver::otlp
