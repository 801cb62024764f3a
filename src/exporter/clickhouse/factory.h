#pragma once

#include <memory>

#include "component/factory.h"

namespace ocelot::exporter::clickhouse {
std::unique_ptr<component::ExporterFactory> MakeFactory();
}
