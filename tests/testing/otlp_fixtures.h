// Builders for OTLP test data shared by the test suites.
#pragma once

#include <memory>
#include <string>

#include "pdata/batch.h"

namespace ocelot::testing {

// A trace request with `resources` resources, each with one scope holding `spans_each` spans
// named "span-<r>-<i>".
std::shared_ptr<pdata::Chunk<pdata::TracesRequest>> MakeTraces(int resources, int spans_each,
                                                               const std::string& service = "svc");
std::shared_ptr<pdata::Chunk<pdata::MetricsRequest>> MakeMetrics(int metrics, int points_each);
std::shared_ptr<pdata::Chunk<pdata::LogsRequest>> MakeLogs(int records);

}  // namespace ocelot::testing
