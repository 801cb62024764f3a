// service::telemetry::logs: the collector's own logger built from otelcol's settings: level,
// encoding (console or json), output_paths (stderr, stdout or files), initial_fields, and zap's
// sampling of repeated lines (per tick, the first `initial` copies of a message, then every
// `thereafter`-th).
#pragma once

#include <spdlog/common.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace spdlog {
class logger;
namespace sinks {
class sink;
}
}  // namespace spdlog

namespace ocelot::telemetry {

struct LogsSettings {
  std::string level = "info";        // debug, info, warn, error
  std::string encoding = "console";  // console or json
  std::vector<std::string> output_paths = {"stderr"};
  std::map<std::string, std::string> initial_fields;
  // otelcol 0.96's defaults.
  bool sampling_enabled = true;
  std::chrono::nanoseconds sampling_tick = std::chrono::seconds(10);
  int64_t sampling_initial = 10;
  int64_t sampling_thereafter = 100;
};

spdlog::level::level_enum LevelFromName(std::string name);

// A logger named `name` writing where `settings` say. A file that cannot be opened is an
// error naming it.
absl::StatusOr<std::shared_ptr<spdlog::logger>> BuildLogger(const std::string& name,
                                                            const LogsSettings& settings);

// The sampling decision on its own (exposed for tests): forwards to `inner` the lines zap's
// sampler would keep.
std::shared_ptr<spdlog::sinks::sink> MakeSamplingSink(std::shared_ptr<spdlog::sinks::sink> inner,
                                                      std::chrono::nanoseconds tick,
                                                      int64_t initial, int64_t thereafter);

}  // namespace ocelot::telemetry
