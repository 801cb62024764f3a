// One LMDB file holding one component's records (the StorageClient the extension hands out).
// Opening it checks that it is sound; a file that is not (not LMDB, truncated, a page that does
// not read) is moved aside as <file>.corrupt-<time>, reported, and replaced by an empty store,
// so a damaged disk costs the data in that file but never the collector's start.
//
// Durability: every Apply is one LMDB write transaction. Without fsync its pages are written to
// the file (the page cache) before Apply returns, which survives a crash or kill -9 of the
// process; with fsync they also reach the disk, which survives power loss.
//
// Threads: all methods are thread-safe. Operations share `mu_`; Compact takes it exclusively.
#pragma once

#include <lmdb.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <string>

#include "exporterhelper/storage.h"

namespace spdlog {
class logger;
}

namespace ocelot::extension::filestorage {

struct StoreOptions {
  bool fsync = false;
  std::chrono::nanoseconds lock_timeout = std::chrono::seconds(1);
  std::filesystem::path compaction_directory;  // for Compact's temporary copy
};

class LmdbStore final : public exporterhelper::StorageClient {
 public:
  static absl::StatusOr<std::shared_ptr<LmdbStore>> Open(std::filesystem::path path,
                                                         StoreOptions options,
                                                         std::shared_ptr<spdlog::logger> logger);
  ~LmdbStore() override;

  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override;
  absl::Status Apply(const std::vector<Operation>& ops) override;
  absl::Status Scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn) override;

  // Rewrites the file without its free pages (LMDB never shrinks a file by itself).
  absl::Status Compact();
  // Bytes the file takes on disk, and bytes of live pages in it.
  uint64_t FileBytes() const;
  uint64_t LiveBytes();
  const std::filesystem::path& path() const { return path_; }

 private:
  LmdbStore(std::filesystem::path path, StoreOptions options,
            std::shared_ptr<spdlog::logger> logger)
      : path_(std::move(path)), options_(options), logger_(std::move(logger)) {}

  absl::Status Lock();     // the whole-file lock that keeps another process out
  absl::Status OpenEnv();  // opens and checks; on failure leaves nothing open
  absl::Status Check();    // reads every record once
  void CloseEnv();
  void MoveAside(const std::string& why);

  const std::filesystem::path path_;
  const StoreOptions options_;
  std::shared_ptr<spdlog::logger> logger_;
  int lock_fd_ = -1;

  std::shared_mutex mu_;  // shared by operations, exclusive while env_ is replaced
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

// Wraps a shared store so several owners (the extension for compaction, the component for its
// records) can hold it; the StorageClient the extension returns.
class SharedStoreClient final : public exporterhelper::StorageClient {
 public:
  explicit SharedStoreClient(std::shared_ptr<LmdbStore> store) : store_(std::move(store)) {}
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    return store_->Get(key);
  }
  absl::Status Apply(const std::vector<Operation>& ops) override { return store_->Apply(ops); }
  absl::Status Scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn) override {
    return store_->Scan(prefix, fn);
  }

 private:
  std::shared_ptr<LmdbStore> store_;
};

}  // namespace ocelot::extension::filestorage
