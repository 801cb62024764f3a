#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::processor::attributes {
std::unique_ptr<component::ProcessorFactory> MakeFactory();
}
