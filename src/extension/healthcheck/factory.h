#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::extension::healthcheck {
std::unique_ptr<component::ExtensionFactory> MakeFactory();
}
