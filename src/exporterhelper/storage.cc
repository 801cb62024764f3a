#include "exporterhelper/storage.h"

namespace ocelot::exporterhelper {

absl::StatusOr<StorageExtension*> FindStorage(component::Host& host, const component::Id& id) {
  component::Component* c = host.GetExtension(id);
  if (c == nullptr) {
    return absl::FailedPreconditionError(
        "storage extension \"" + id.ToString() +
        "\" is not running: declare it under extensions and list it in service::extensions");
  }
  auto* storage = dynamic_cast<StorageExtension*>(c);
  if (storage == nullptr) {
    return absl::FailedPreconditionError("extension \"" + id.ToString() +
                                         "\" is not a storage extension");
  }
  return storage;
}

}  // namespace ocelot::exporterhelper
