// otelcol's process metrics (otelcol_process_uptime, _cpu_seconds, _memory_rss,
// _runtime_heap_alloc_bytes, _runtime_total_sys_memory_bytes), read from /proc and the
// allocator when scraped.
#pragma once

#include <chrono>

#include "telemetry/metrics.h"

namespace ocelot::telemetry {

// Registers the callbacks. `start` is when the process started, for the uptime.
void RegisterProcessMetrics(MetricsRegistry& registry, std::chrono::steady_clock::time_point start);

// The readings themselves, for `ocelot top` and tests.
double ProcessRssBytes();
double ProcessCpuSeconds();
double HeapAllocBytes();
double HeapSysBytes();

}  // namespace ocelot::telemetry
