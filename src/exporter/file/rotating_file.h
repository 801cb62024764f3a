// A file that rotates by size the way the Go file exporter's lumberjack logger does: the
// current file keeps its name; a full file is renamed to name-<timestamp>.ext
// (timestamp 2006-01-02T15-04-05.000, UTC unless localtime); old backups are pruned by count
// and age. Not thread-safe: the exporter serialises calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace ocelot::exporter::file {

struct RotationPolicy {
  uint64_t max_bytes = 0;  // 0: never rotate
  int max_days = 0;
  int max_backups = 0;
  bool localtime = false;
};

class RotatingFile {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  RotatingFile(std::filesystem::path path, std::optional<RotationPolicy> rotation, bool append,
               Clock clock = nullptr);
  ~RotatingFile();

  // Creates missing parent directories and opens the file. Errors name the path and the cause.
  absl::Status Open();
  // Writes all of `data` to the current file, rotating first if it would not fit.
  absl::Status Write(std::string_view data);
  void Close();

  // "traces-2024-01-02T03-04-05.000.json" for path ".../traces.json" at time t.
  std::string BackupName(std::chrono::system_clock::time_point t) const;

 private:
  absl::Status Rotate();
  void PruneBackups();

  std::filesystem::path path_;
  std::optional<RotationPolicy> rotation_;
  bool append_;
  Clock clock_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace ocelot::exporter::file
