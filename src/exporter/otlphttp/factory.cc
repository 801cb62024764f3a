// The otlphttp exporter's one registration point: an HttpSender inside the exporter helper.
#include "exporter/otlphttp/factory.h"

#include "exporter/otlphttp/http_sender.h"
#include "exporterhelper/exporter.h"

namespace ocelot::exporter::otlphttp {
namespace {

class Factory final : public component::ExporterFactory {
 public:
  std::string type() const override { return "otlphttp"; }
  component::SignalStability signals() const override {
    using component::Stability;
    return {Stability::kStable, Stability::kStable, Stability::kBeta};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::ConsumingComponent>> Create(
      const component::CreateSettings& settings, const component::Config& config) const override {
    const auto& c = static_cast<const Config&>(config);
    return std::make_unique<exporterhelper::Exporter>(settings, c.helper,
                                                      std::make_unique<HttpSender>(c, settings));
  }
};

}  // namespace

std::unique_ptr<component::ExporterFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::exporter::otlphttp
