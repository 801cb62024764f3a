// file_storage extension options, as otelcol-contrib 0.96's filestorage extension: where the
// stores live, how long to wait for a store another process holds, fsync, and compaction.
// The stores are LMDB files instead of bbolt ones; max_transaction_size (a bbolt tuning knob)
// is accepted and has no effect. create_directory and directory_permissions come from later
// otelcol-contrib versions (0.99): the deployment's configs rely on them.
#pragma once

#include <chrono>
#include <string>

#include "component/factory.h"

namespace ocelot::extension::filestorage {

inline constexpr char kDefaultDirectory[] = "/var/lib/otelcol/file_storage";

struct CompactionConfig {
  std::string directory = kDefaultDirectory;  // where the compacted copy is written first
  bool on_start = false;
  bool on_rebound = false;
  int64_t max_transaction_size = 65536;
  int64_t rebound_needed_threshold_mib = 100;  // a store this big is flagged for compaction...
  int64_t rebound_trigger_threshold_mib = 10;  // ...and compacted once its live data is this small
  config::Duration check_interval = std::chrono::seconds(5);
};

struct Config final : component::Config {
  std::string directory = kDefaultDirectory;
  config::Duration timeout = std::chrono::seconds(1);  // waiting for a store's file lock
  CompactionConfig compaction;
  bool fsync = false;             // fsync every commit: survives power loss, not just a crash
  bool create_directory = false;  // create `directory` (and compaction's) at start
  std::string directory_permissions = "0750";  // octal, for directories created

  void Decode(config::MapDecoder& d) override;
  void Validate(config::MapDecoder& d) const override;
  std::vector<std::string> Summary() const override;
};

}  // namespace ocelot::extension::filestorage
