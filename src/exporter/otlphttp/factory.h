#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::exporter::otlphttp {
std::unique_ptr<component::ExporterFactory> MakeFactory();
}
