#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::exporter::debug {
std::unique_ptr<component::ExporterFactory> MakeFactory();
}
