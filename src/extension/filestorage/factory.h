#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::extension::filestorage {
std::unique_ptr<component::ExtensionFactory> MakeFactory();
}
