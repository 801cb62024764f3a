// The resource processor's one registration point.
#include "processor/resource/factory.h"

#include "processor/resource/config.h"
#include "processor/resource/resource_processor.h"

namespace ocelot::processor::resource {
namespace {

class Factory final : public component::ProcessorFactory {
 public:
  std::string type() const override { return "resource"; }
  component::SignalStability signals() const override {
    using component::Stability;
    return {Stability::kBeta, Stability::kBeta, Stability::kBeta};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::ConsumingComponent>> Create(
      const component::CreateSettings& settings, const component::Config& config,
      pdata::Signal signal, const component::NextConsumers& next) const override {
    const auto& cfg = static_cast<const Config&>(config);
    if (cfg.attributes.empty()) {
      return absl::InvalidArgumentError("missing required field \"attributes\"");
    }
    auto actions = pdata::AttributeActions::Compile(cfg.attributes);
    if (!actions.ok()) return actions.status();
    switch (signal) {
      case pdata::Signal::kTraces:
        return std::make_unique<ResourceProcessor<pdata::Traces>>(*std::move(actions), next.traces);
      case pdata::Signal::kMetrics:
        return std::make_unique<ResourceProcessor<pdata::Metrics>>(*std::move(actions),
                                                                   next.metrics);
      case pdata::Signal::kLogs:
        return std::make_unique<ResourceProcessor<pdata::Logs>>(*std::move(actions), next.logs);
    }
    return absl::InternalError("unknown signal");
  }
};

}  // namespace

std::unique_ptr<component::ProcessorFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::processor::resource
