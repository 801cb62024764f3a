#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::exporter::otlp {
std::unique_ptr<component::ExporterFactory> MakeFactory();
}
