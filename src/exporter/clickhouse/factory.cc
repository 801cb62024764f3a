// The clickhouse exporter's one registration point: a ClickHouseSender inside the exporter
// helper (queue with one consumer, retry, 5 s timeout by default).
#include "exporter/clickhouse/factory.h"

#include "exporter/clickhouse/sender.h"
#include "exporterhelper/exporter.h"

namespace ocelot::exporter::clickhouse {
namespace {

class Factory final : public component::ExporterFactory {
 public:
  std::string type() const override { return "clickhouse"; }
  component::SignalStability signals() const override {
    using component::Stability;
    // As otelcol-contrib 0.96.
    return {Stability::kAlpha, Stability::kAlpha, Stability::kAlpha};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::ConsumingComponent>> Create(
      const component::CreateSettings& settings, const component::Config& config) const override {
    const auto& c = static_cast<const Config&>(config);
    return std::make_unique<exporterhelper::Exporter>(
        settings, c.helper, std::make_unique<ClickHouseSender>(c, settings));
  }
};

}  // namespace

std::unique_ptr<component::ExporterFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::exporter::clickhouse
