// The attributes processor's one registration point.
#include "processor/attributes/factory.h"

#include "processor/attributes/attributes_processor.h"

namespace ocelot::processor::attributes {
namespace {

class Factory final : public component::ProcessorFactory {
 public:
  std::string type() const override { return "attributes"; }
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
    if (cfg.actions.empty()) {
      return absl::InvalidArgumentError("missing required field \"actions\"");
    }
    auto actions = pdata::AttributeActions::Compile(cfg.actions);
    if (!actions.ok()) return actions.status();
    auto selector = Selector::Create(cfg, signal);
    if (!selector.ok()) return selector.status();
    switch (signal) {
      case pdata::Signal::kTraces:
        return std::make_unique<AttributesProcessor<pdata::Traces>>(
            *std::move(actions), *std::move(selector), next.traces);
      case pdata::Signal::kMetrics:
        return std::make_unique<AttributesProcessor<pdata::Metrics>>(
            *std::move(actions), *std::move(selector), next.metrics);
      case pdata::Signal::kLogs:
        return std::make_unique<AttributesProcessor<pdata::Logs>>(*std::move(actions),
                                                                  *std::move(selector), next.logs);
    }
    return absl::InternalError("unknown signal");
  }
};

}  // namespace

std::unique_ptr<component::ProcessorFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::processor::attributes
