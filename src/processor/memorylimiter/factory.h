#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::processor::memorylimiter {
std::unique_ptr<component::ProcessorFactory> MakeFactory();
}
