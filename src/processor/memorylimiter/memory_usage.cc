#include "processor/memorylimiter/memory_usage.h"

#include <malloc.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"

namespace ocelot::processor::memorylimiter {
namespace {

// v1 reports "no limit" as the largest page-aligned int64 (9223372036854771712); treat
// anything that large as unlimited.
constexpr uint64_t kUnlimited = uint64_t{1} << 62;

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// The process's cgroup v2 path ("0::/system.slice/x.service" -> "/system.slice/x.service").
std::string CgroupV2Path(const std::string& root) {
  auto text = ReadSmallFile(root + "/proc/self/cgroup");
  if (!text) return "";
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return "";
}

}  // namespace

absl::StatusOr<uint64_t> ReadResidentBytes() {
  auto text = ReadSmallFile("/proc/self/statm");
  if (!text) return absl::UnavailableError("cannot read /proc/self/statm");
  std::istringstream in(*text);
  uint64_t size_pages = 0, resident_pages = 0;
  if (!(in >> size_pages >> resident_pages)) {
    return absl::InternalError("unexpected /proc/self/statm content");
  }
  return resident_pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

std::optional<uint64_t> ParseCgroupLimit(std::string_view text) {
  text = Trim(text);
  uint64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    return std::nullopt;  // "max", or nothing readable
  }
  if (v >= kUnlimited) return std::nullopt;
  return v;
}

std::optional<uint64_t> ParseMemInfoTotal(std::string_view text) {
  std::istringstream lines{std::string(text)};
  std::string key, unit;
  uint64_t value = 0;
  while (lines >> key >> value) {
    std::getline(lines, unit);
    if (key == "MemTotal:") {
      return Trim(unit) == "kB" ? value * 1024 : value;
    }
  }
  return std::nullopt;
}

absl::StatusOr<uint64_t> TotalMemory(const std::string& root) {
  const std::string cgroup = root + "/sys/fs/cgroup";
  // cgroup v2: the process's own cgroup (a systemd unit's MemoryMax), then the mount's root (a
  // container's limit under a cgroup namespace, which is where otelcol looks).
  if (auto controllers = ReadSmallFile(cgroup + "/cgroup.controllers")) {
    std::string own = CgroupV2Path(root);
    for (const std::string& dir : {cgroup + (own == "/" ? "" : own), cgroup}) {
      if (auto text = ReadSmallFile(dir + "/memory.max")) {
        if (auto limit = ParseCgroupLimit(*text)) return *limit;
      }
    }
  } else if (auto text = ReadSmallFile(cgroup + "/memory/memory.limit_in_bytes")) {
    if (auto limit = ParseCgroupLimit(*text)) return *limit;
  }
  auto meminfo = ReadSmallFile(root + "/proc/meminfo");
  if (!meminfo) return absl::UnavailableError("cannot read /proc/meminfo");
  auto total = ParseMemInfoTotal(*meminfo);
  if (!total) return absl::InternalError("no MemTotal in /proc/meminfo");
  return *total;
}

void ReleaseFreeMemory() { ::malloc_trim(0); }

}  // namespace ocelot::processor::memorylimiter
