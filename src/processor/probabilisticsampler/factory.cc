// The probabilistic_sampler processor's one registration point (traces and logs, as in 0.96).
#include "processor/probabilisticsampler/factory.h"

#include "processor/probabilisticsampler/sampler.h"

namespace ocelot::processor::probabilisticsampler {
namespace {

class Factory final : public component::ProcessorFactory {
 public:
  std::string type() const override { return "probabilistic_sampler"; }
  component::SignalStability signals() const override {
    using component::Stability;
    return {Stability::kBeta, Stability::kUndefined, Stability::kAlpha};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::ConsumingComponent>> Create(
      const component::CreateSettings& settings, const component::Config& config,
      pdata::Signal signal, const component::NextConsumers& next) const override {
    const auto& cfg = static_cast<const Config&>(config);
    switch (signal) {
      case pdata::Signal::kTraces:
        return std::make_unique<TracesSampler>(cfg, next.traces, settings.metrics);
      case pdata::Signal::kLogs:
        return std::make_unique<LogsSampler>(cfg, next.logs, settings.logger, settings.metrics);
      case pdata::Signal::kMetrics:
        break;
    }
    return absl::InvalidArgumentError("probabilistic_sampler does not support metrics");
  }
};

}  // namespace

std::unique_ptr<component::ProcessorFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::processor::probabilisticsampler
