#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::extension::pprof {
std::unique_ptr<component::ExtensionFactory> MakeFactory();
}
