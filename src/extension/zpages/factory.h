#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::extension::zpages {
std::unique_ptr<component::ExtensionFactory> MakeFactory();
}
