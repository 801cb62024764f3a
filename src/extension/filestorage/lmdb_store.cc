#include "extension/filestorage/lmdb_store.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>

namespace ocelot::extension::filestorage {
namespace {

namespace fs = std::filesystem;

// Address space reserved for the map; the file itself only grows as data is written.
constexpr size_t kMapSize = size_t{64} << 30;

bool IsCorruption(int rc) {
  return rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == MDB_CORRUPTED ||
         rc == MDB_PAGE_NOTFOUND || rc == MDB_PANIC;
}

absl::Status LmdbError(const std::string& what, const fs::path& path, int rc) {
  std::string message = what + " " + path.string() + ": " + mdb_strerror(rc);
  if (IsCorruption(rc)) return absl::DataLossError(message);
  if (rc == MDB_MAP_FULL) return absl::ResourceExhaustedError(message);
  return absl::UnavailableError(message);
}

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view View(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

std::string UtcStamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// A read transaction that aborts itself.
struct ReadTxn {
  MDB_txn* txn = nullptr;
  ~ReadTxn() {
    if (txn) mdb_txn_abort(txn);
  }
};

}  // namespace

absl::StatusOr<std::shared_ptr<LmdbStore>> LmdbStore::Open(fs::path path, StoreOptions options,
                                                           std::shared_ptr<spdlog::logger> logger) {
  std::shared_ptr<LmdbStore> store(new LmdbStore(std::move(path), options, std::move(logger)));
  if (absl::Status s = store->Lock(); !s.ok()) return s;
  absl::Status s = store->OpenEnv();
  if (s.code() == absl::StatusCode::kDataLoss) {
    store->MoveAside(std::string(s.message()));
    s = store->OpenEnv();
  }
  if (!s.ok()) return s;
  return store;
}

LmdbStore::~LmdbStore() {
  CloseEnv();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

absl::Status LmdbStore::Lock() {
  // LMDB's own locks let several processes share a file; two collectors sharing one queue would
  // send everything twice. A whole-file lock on LMDB's lock file (which is never moved or
  // replaced, unlike the data file) keeps the store to one process, as bbolt's lock does.
  std::string lock_path = path_.string() + "-lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) {
    return absl::FailedPreconditionError("cannot open " + lock_path + ": " + std::strerror(errno));
  }
  auto deadline = std::chrono::steady_clock::now() + options_.lock_timeout;
  int wait_ms = 1;
  while (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return absl::FailedPreconditionError("cannot lock " + lock_path + ": " +
                                           std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return absl::FailedPreconditionError(
          path_.string() + " is in use by another process (waited " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::milliseconds>(options_.lock_timeout)
                  .count()) +
          " ms for its lock; see file_storage::timeout)");
    }
    // flock has no timed wait; poll the lock a little less often each time.
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    wait_ms = std::min(wait_ms * 2, 50);
  }
  return absl::OkStatus();
}

absl::Status LmdbStore::OpenEnv() {
  int rc = mdb_env_create(&env_);
  if (rc != 0) return LmdbError("cannot create an LMDB environment for", path_, rc);
  mdb_env_set_mapsize(env_, kMapSize);
  unsigned flags = MDB_NOSUBDIR | MDB_NOTLS | (options_.fsync ? 0 : MDB_NOSYNC);
  rc = mdb_env_open(env_, path_.c_str(), flags, 0600);
  if (rc != 0) {
    CloseEnv();
    return LmdbError("cannot open", path_, rc);
  }
  // A file cut short (a full disk, a bad copy) would fault when its missing pages are read.
  MDB_envinfo info{};
  MDB_stat stat{};
  mdb_env_info(env_, &info);
  mdb_env_stat(env_, &stat);
  std::error_code ec;
  uint64_t size = fs::file_size(path_, ec);
  uint64_t needed = (static_cast<uint64_t>(info.me_last_pgno) + 1) * stat.ms_psize;
  if (!ec && size < needed) {
    CloseEnv();
    return absl::DataLossError(path_.string() + " is truncated (" + std::to_string(size) +
                               " bytes, its pages need " + std::to_string(needed) + ")");
  }
  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(env_, nullptr, 0, &txn);
  if (rc == 0) rc = mdb_dbi_open(txn, nullptr, 0, &dbi_);
  if (rc == 0) {
    rc = mdb_txn_commit(txn);
  } else if (txn) {
    mdb_txn_abort(txn);
  }
  if (rc != 0) {
    CloseEnv();
    return LmdbError("cannot open the database in", path_, rc);
  }
  if (absl::Status s = Check(); !s.ok()) {
    CloseEnv();
    return s;
  }
  return absl::OkStatus();
}

absl::Status LmdbStore::Check() {
  ReadTxn r;
  int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &r.txn);
  if (rc != 0) return LmdbError("cannot read", path_, rc);
  MDB_cursor* cursor = nullptr;
  rc = mdb_cursor_open(r.txn, dbi_, &cursor);
  if (rc != 0) return LmdbError("cannot read", path_, rc);
  MDB_val k, v;
  for (rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
  }
  mdb_cursor_close(cursor);
  if (rc != MDB_NOTFOUND) return LmdbError("cannot read every record of", path_, rc);
  return absl::OkStatus();
}

void LmdbStore::CloseEnv() {
  if (env_ != nullptr) {
    mdb_env_close(env_);
    env_ = nullptr;
  }
}

void LmdbStore::MoveAside(const std::string& why) {
  CloseEnv();
  fs::path aside = path_.string() + ".corrupt-" + UtcStamp();
  std::error_code ec;
  fs::rename(path_, aside, ec);
  if (ec) {
    logger_->error(
        "file_storage: {} is corrupt or unreadable ({}); it could not be moved aside "
        "({}), so it is deleted and an empty store is used",
        path_.string(), why, ec.message());
    fs::remove(path_, ec);
    return;
  }
  logger_->error(
      "file_storage: {} is corrupt or unreadable ({}); moved it to {} and started "
      "with an empty store. The records in it are lost to this collector.",
      path_.string(), why, aside.string());
}

absl::StatusOr<std::optional<std::string>> LmdbStore::Get(std::string_view key) {
  std::shared_lock lock(mu_);
  if (env_ == nullptr) return absl::UnavailableError(path_.string() + " is not open");
  ReadTxn r;
  int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &r.txn);
  if (rc != 0) return LmdbError("cannot read", path_, rc);
  MDB_val k = Val(key);
  MDB_val v;
  rc = mdb_get(r.txn, dbi_, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string>();
  if (rc != 0) return LmdbError("cannot read", path_, rc);
  return std::optional<std::string>(std::string(View(v)));
}

absl::Status LmdbStore::Apply(const std::vector<Operation>& ops) {
  std::shared_lock lock(mu_);
  if (env_ == nullptr) return absl::UnavailableError(path_.string() + " is not open");
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
  if (rc != 0) return LmdbError("cannot write", path_, rc);
  for (const Operation& op : ops) {
    MDB_val k = Val(op.key);
    if (op.kind == Operation::Kind::kSet) {
      MDB_val v = Val(op.value);
      rc = mdb_put(txn, dbi_, &k, &v, 0);
    } else {
      rc = mdb_del(txn, dbi_, &k, nullptr);
      if (rc == MDB_NOTFOUND) rc = 0;
    }
    if (rc != 0) {
      mdb_txn_abort(txn);
      return LmdbError("cannot write", path_, rc);
    }
  }
  rc = mdb_txn_commit(txn);
  if (rc != 0) return LmdbError("cannot commit to", path_, rc);
  return absl::OkStatus();
}

absl::Status LmdbStore::Scan(std::string_view prefix,
                             const std::function<bool(std::string_view, std::string_view)>& fn) {
  std::shared_lock lock(mu_);
  if (env_ == nullptr) return absl::UnavailableError(path_.string() + " is not open");
  ReadTxn r;
  int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &r.txn);
  if (rc != 0) return LmdbError("cannot read", path_, rc);
  MDB_cursor* cursor = nullptr;
  rc = mdb_cursor_open(r.txn, dbi_, &cursor);
  if (rc != 0) return LmdbError("cannot read", path_, rc);
  MDB_val k = Val(prefix);
  MDB_val v;
  rc = mdb_cursor_get(cursor, &k, &v, prefix.empty() ? MDB_FIRST : MDB_SET_RANGE);
  while (rc == 0) {
    std::string_view key = View(k);
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!fn(key, View(v))) break;
    rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cursor);
  if (rc != 0 && rc != MDB_NOTFOUND) return LmdbError("cannot read", path_, rc);
  return absl::OkStatus();
}

absl::Status LmdbStore::Compact() {
  std::unique_lock lock(mu_);
  if (env_ == nullptr) return absl::UnavailableError(path_.string() + " is not open");
  fs::path dir =
      options_.compaction_directory.empty() ? path_.parent_path() : options_.compaction_directory;
  fs::path tmp = dir / (path_.filename().string() + ".compacting");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError("cannot create " + tmp.string() + ": " + std::strerror(errno));
  }
  int rc = mdb_env_copyfd2(env_, fd, MDB_CP_COMPACT);
  bool synced = rc == 0 && ::fsync(fd) == 0;
  ::close(fd);
  std::error_code ec;
  if (!synced) {
    fs::remove(tmp, ec);
    return rc != 0 ? LmdbError("cannot compact", path_, rc)
                   : absl::UnavailableError("cannot write " + tmp.string());
  }
  CloseEnv();
  fs::rename(tmp, path_, ec);
  if (ec == std::errc::cross_device_link) {
    // The compaction directory is on another file system: copy the result over instead.
    ec.clear();
    fs::copy_file(tmp, path_, fs::copy_options::overwrite_existing, ec);
    fs::remove(tmp);
  }
  if (ec)
    logger_->error("file_storage: cannot replace {} by its compacted copy: {}", path_.string(),
                   ec.message());
  return OpenEnv();
}

uint64_t LmdbStore::FileBytes() const {
  std::error_code ec;
  uint64_t n = fs::file_size(path_, ec);
  return ec ? 0 : n;
}

uint64_t LmdbStore::LiveBytes() {
  std::shared_lock lock(mu_);
  if (env_ == nullptr) return 0;
  MDB_stat st{};
  mdb_env_stat(env_, &st);
  return static_cast<uint64_t>(st.ms_psize) *
         (st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages + 2);
}

}  // namespace ocelot::extension::filestorage
