#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::processor::resource {
std::unique_ptr<component::ProcessorFactory> MakeFactory();
}
