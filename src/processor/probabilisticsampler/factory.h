#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::processor::probabilisticsampler {
std::unique_ptr<component::ProcessorFactory> MakeFactory();
}
