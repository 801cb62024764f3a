// The batch processor's one registration point.
#include "processor/batch/factory.h"

#include "processor/batch/batch_processor.h"

namespace ocelot::processor::batch {
namespace {

class Factory final : public component::ProcessorFactory {
 public:
  std::string type() const override { return "batch"; }
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
    switch (signal) {
      case pdata::Signal::kTraces:
        return std::make_unique<BatchProcessor<pdata::Traces>>(
            cfg, next.traces, settings.logger, settings.metrics, settings.id.ToString());
      case pdata::Signal::kMetrics:
        return std::make_unique<BatchProcessor<pdata::Metrics>>(
            cfg, next.metrics, settings.logger, settings.metrics, settings.id.ToString());
      case pdata::Signal::kLogs:
        return std::make_unique<BatchProcessor<pdata::Logs>>(
            cfg, next.logs, settings.logger, settings.metrics, settings.id.ToString());
    }
    return absl::InternalError("unknown signal");
  }
};

}  // namespace

std::unique_ptr<component::ProcessorFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::processor::batch
