// Parsers for the value types the Go collector's configs use: Go durations ("1m30s"),
// booleans and numbers as YAML writes them, and "host:port" endpoints.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ocelot::config {

using Duration = std::chrono::nanoseconds;

// Go's time.ParseDuration: "300ms", "1.5h", "2h45m", "-1s", "0". Units ns, us, µs, ms, s, m, h.
absl::StatusOr<Duration> ParseDuration(std::string_view s);
// The inverse, in Go's format ("1m30s", "200ms", "0s"), for printing effective configs.
std::string FormatDuration(Duration d);

absl::StatusOr<bool> ParseBool(std::string_view s);
absl::StatusOr<int64_t> ParseInt(std::string_view s);
absl::StatusOr<double> ParseDouble(std::string_view s);

struct HostPort {
  std::string host;  // may be empty ("":4317 means every interface, as in Go)
  uint16_t port = 0;
};
// Go's net.SplitHostPort plus a numeric port check: "localhost:4317", "0.0.0.0:4317",
// "[::1]:4317", ":4317".
absl::StatusOr<HostPort> ParseEndpoint(std::string_view s);

}  // namespace ocelot::config
