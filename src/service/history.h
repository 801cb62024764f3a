// The config history: every configuration that ran successfully, versioned (time, content
// hash, sources), in a directory the operator owns. Files hold the merged configuration before
// variable expansion, so `${env:...}` references (and the secrets behind them) stay out of it
// and a rollback re-expands them in the current environment.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ocelot::service {

struct HistoryEntry {
  int version = 0;
  std::string time;     // UTC, ISO 8601
  std::string hash;     // SHA-256 of the content, hex
  std::string sources;  // the --config files (and --set count) it came from
  std::filesystem::path path;
};

class ConfigHistory {
 public:
  explicit ConfigHistory(std::filesystem::path dir);

  // Stores `yaml` as the next version unless it equals the newest one (a reload of the same
  // content is not a new version). Returns the entry that is now newest.
  absl::StatusOr<HistoryEntry> Record(const std::string& yaml, const std::string& sources);
  // Oldest first. An empty or missing directory is an empty history.
  absl::StatusOr<std::vector<HistoryEntry>> List() const;
  absl::StatusOr<std::string> Content(int version) const;

  const std::filesystem::path& dir() const { return dir_; }
  // Where `ocelot config rollback` leaves the configuration the running collector should load
  // on its next SIGHUP, and where the running collector writes its pid.
  std::filesystem::path pending_path() const { return dir_ / "pending.yaml"; }
  std::filesystem::path pid_path() const { return dir_ / "ocelot.pid"; }

  // The outcome of the last reload ("ok: version N", "rejected: ...", "rolled back: ..."),
  // written by the running collector and read by `ocelot reload` / `ocelot config rollback`.
  // The write is atomic (a whole file renamed into place): a reader never sees it half written.
  void WriteReloadStatus(const std::string& status) const;
  // The status without its newline; nullopt while there is none.
  std::optional<std::string> ReadReloadStatus() const;
  void ClearReloadStatus() const;

  // $OCELOT_HISTORY_DIR, else $HOME/.ocelot/history.
  static std::filesystem::path DefaultDir();

 private:
  std::filesystem::path dir_;
};

std::string Sha256Hex(const std::string& data);

}  // namespace ocelot::service
