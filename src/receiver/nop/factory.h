// The nop receiver receives nothing (for configs that need a receiver and tests), as otelcol's.
#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::receiver::nop {
std::unique_ptr<component::ReceiverFactory> MakeFactory();
}
