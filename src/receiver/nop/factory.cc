#include "receiver/nop/factory.h"

namespace ocelot::receiver::nop {
namespace {

struct Config final : component::Config {
  void Decode(config::MapDecoder&) override {}
};

class NopReceiver final : public component::Component {
 public:
  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
};

class Factory final : public component::ReceiverFactory {
 public:
  std::string type() const override { return "nop"; }
  component::SignalStability signals() const override {
    using component::Stability;
    return {Stability::kBeta, Stability::kBeta, Stability::kBeta};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::Component>> Create(
      const component::CreateSettings&, const component::Config&,
      const component::NextConsumers&) const override {
    return std::make_unique<NopReceiver>();
  }
};

}  // namespace

std::unique_ptr<component::ReceiverFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::receiver::nop
