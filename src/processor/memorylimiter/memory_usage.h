// How much memory the process uses and may use, read from /proc and the cgroup filesystem, and
// how it gives freed memory back. Each call costs a file read or two: cheap enough for every
// check interval.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ocelot::processor::memorylimiter {

// Resident set size in bytes (/proc/self/statm's second field times the page size). RSS, not
// heap-in-use, because it is what the kernel's OOM killer and a container limit count.
absl::StatusOr<uint64_t> ReadResidentBytes();

// Memory available to the process, as otelcol's iruntime.TotalMemory: the cgroup's limit when
// one is set (v2 memory.max, v1 memory.limit_in_bytes), else the machine's MemTotal.
// `root` prefixes every path, for tests.
absl::StatusOr<uint64_t> TotalMemory(const std::string& root = "");

// The byte count in a cgroup limit file; nullopt for "max" and v1's "unlimited" sentinel.
std::optional<uint64_t> ParseCgroupLimit(std::string_view text);
// MemTotal from /proc/meminfo text, in bytes.
std::optional<uint64_t> ParseMemInfoTotal(std::string_view text);

// Returns freed heap pages to the system (glibc malloc_trim(0)); Go's forced GC counterpart.
void ReleaseFreeMemory();

}  // namespace ocelot::processor::memorylimiter
