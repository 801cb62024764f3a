#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::exporter::file {
std::unique_ptr<component::ExporterFactory> MakeFactory();
}
