// The memory_limiter processor's one registration point. Like otelcol's factory, it hands
// every pipeline that lists the same memory_limiter one shared checker.
#include "processor/memorylimiter/factory.h"

#include <map>
#include <mutex>

#include "processor/memorylimiter/memory_limiter.h"
#include "processor/memorylimiter/memory_usage.h"

namespace ocelot::processor::memorylimiter {
namespace {

class Factory final : public component::ProcessorFactory {
 public:
  std::string type() const override { return "memory_limiter"; }
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
    auto checker = CheckerFor(settings, cfg);
    if (!checker.ok()) return checker.status();
    const std::string id = settings.id.ToString();
    switch (signal) {
      case pdata::Signal::kTraces:
        return std::make_unique<MemoryLimiterProcessor<pdata::Traces>>(*checker, next.traces,
                                                                       settings.metrics, id);
      case pdata::Signal::kMetrics:
        return std::make_unique<MemoryLimiterProcessor<pdata::Metrics>>(*checker, next.metrics,
                                                                        settings.metrics, id);
      case pdata::Signal::kLogs:
        return std::make_unique<MemoryLimiterProcessor<pdata::Logs>>(*checker, next.logs,
                                                                     settings.metrics, id);
    }
    return absl::InternalError("unknown signal");
  }

 private:
  struct Entry {
    Config config;  // the values, in case the config object's address is reused by a reload
    std::weak_ptr<MemoryChecker> checker;
  };

  absl::StatusOr<std::shared_ptr<MemoryChecker>> CheckerFor(
      const component::CreateSettings& settings, const Config& cfg) const {
    std::lock_guard lock(mu_);
    std::erase_if(checkers_, [](const auto& e) { return e.second.checker.expired(); });
    auto it = checkers_.find(&cfg);
    if (it != checkers_.end() && it->second.config == cfg) {
      if (auto existing = it->second.checker.lock()) return existing;
    }
    auto limits = ComputeLimits(cfg, [] { return TotalMemory(); });
    if (!limits.ok()) return limits.status();
    auto checker = std::make_shared<MemoryChecker>(*limits, cfg.check_interval, ReadResidentBytes,
                                                   ReleaseFreeMemory, settings.logger);
    checkers_[&cfg] = Entry{cfg, checker};
    return checker;
  }

  mutable std::mutex mu_;  // guards checkers_
  mutable std::map<const component::Config*, Entry> checkers_;
};

}  // namespace

std::unique_ptr<component::ProcessorFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::processor::memorylimiter
