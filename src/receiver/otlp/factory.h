#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::receiver::otlp {
std::unique_ptr<component::ReceiverFactory> MakeFactory();
}
