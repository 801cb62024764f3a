#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::processor::batch {
std::unique_ptr<component::ProcessorFactory> MakeFactory();
}
