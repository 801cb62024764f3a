// The otlp exporter's one registration point: a GrpcSender inside the exporter helper.
#include "exporter/otlp/factory.h"

#include "exporter/otlp/grpc_sender.h"
#include "exporterhelper/exporter.h"

namespace ocelot::exporter::otlp {
namespace {

class Factory final : public component::ExporterFactory {
 public:
  std::string type() const override { return "otlp"; }
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
                                                      std::make_unique<GrpcSender>(c, settings));
  }
};

}  // namespace

std::unique_ptr<component::ExporterFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::exporter::otlp
