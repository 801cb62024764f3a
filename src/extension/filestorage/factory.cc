// The file_storage extension's one registration point.
#include "extension/filestorage/factory.h"

#include "extension/filestorage/file_storage.h"

namespace ocelot::extension::filestorage {
namespace {

class Factory final : public component::ExtensionFactory {
 public:
  std::string type() const override { return "file_storage"; }
  component::Stability stability() const override { return component::Stability::kBeta; }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<Config>();
  }
  absl::StatusOr<std::unique_ptr<component::Component>> Create(
      const component::CreateSettings& settings, const component::Config& config) const override {
    return std::make_unique<FileStorage>(static_cast<const Config&>(config), settings.logger);
  }
};

}  // namespace

std::unique_ptr<component::ExtensionFactory> MakeFactory() { return std::make_unique<Factory>(); }

}  // namespace ocelot::extension::filestorage
