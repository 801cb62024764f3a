#include "extension/filestorage/file_storage.h"

#include <spdlog/spdlog.h>

namespace ocelot::extension::filestorage {
namespace {

// Keeps file names portable: letters, digits, '.', '-' and '_' stay; anything else becomes
// "~" and its hex code, so distinct ids never share a file.
std::string Sanitize(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('~');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

}  // namespace

struct FileStorage::ReboundTimer {
  explicit ReboundTimer(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
  std::mutex mu;  // guards owner
  FileStorage* owner = nullptr;
};

FileStorage::FileStorage(const Config& config, std::shared_ptr<spdlog::logger> logger)
    : config_(config), logger_(logger ? std::move(logger) : spdlog::default_logger()) {}

FileStorage::~FileStorage() { Shutdown(); }

absl::Status FileStorage::Start(component::Host& host) {
  std::error_code ec;
  if (config_.create_directory) {
    auto perms =
        static_cast<std::filesystem::perms>(std::stoul(config_.directory_permissions, nullptr, 8));
    for (const std::string& dir : {config_.directory, config_.compaction.directory}) {
      if (dir == config_.compaction.directory && !config_.compaction.on_start &&
          !config_.compaction.on_rebound) {
        continue;
      }
      if (std::filesystem::create_directories(dir, ec)) {
        std::filesystem::permissions(dir, perms, ec);
      }
      if (ec) {
        return absl::FailedPreconditionError("cannot create directory " + dir + ": " +
                                             ec.message());
      }
    }
  }
  if (!std::filesystem::is_directory(config_.directory, ec)) {
    return absl::FailedPreconditionError("directory must exist: " + config_.directory);
  }
  if (config_.compaction.on_rebound) {
    timer_ = std::make_shared<ReboundTimer>(host.io_context());
    timer_->owner = this;
    ScheduleRebound();
  }
  return absl::OkStatus();
}

void FileStorage::Shutdown() {
  if (timer_) {
    std::lock_guard lock(timer_->mu);
    timer_->owner = nullptr;
    timer_->timer.cancel();
    timer_.reset();
  }
}

std::filesystem::path FileStorage::StorePath(component::Kind kind, const component::Id& id,
                                             const std::string& name) const {
  std::string file = std::string(component::KindName(kind)) + "_" + Sanitize(id.type) + "_" +
                     Sanitize(id.name) + "_" + Sanitize(name);
  return std::filesystem::path(config_.directory) / file;
}

absl::StatusOr<std::unique_ptr<exporterhelper::StorageClient>> FileStorage::GetClient(
    component::Kind kind, const component::Id& id, const std::string& name) {
  std::filesystem::path path = StorePath(kind, id, name);
  StoreOptions options;
  options.fsync = config_.fsync;
  options.lock_timeout = config_.timeout;
  options.compaction_directory = config_.compaction.directory;
  auto store = LmdbStore::Open(path, options, logger_);
  if (!store.ok()) return store.status();
  if (config_.compaction.on_start && (*store)->FileBytes() > (*store)->LiveBytes()) {
    uint64_t before = (*store)->FileBytes();
    if (absl::Status s = (*store)->Compact(); !s.ok()) {
      logger_->warn("file_storage: compaction of {} on start failed: {}", path.string(),
                    std::string(s.message()));
    } else {
      logger_->info("file_storage: compacted {} on start ({} -> {} bytes)", path.string(), before,
                    (*store)->FileBytes());
    }
  }
  {
    std::lock_guard lock(mu_);
    stores_[path.filename().string()] = *store;
  }
  return std::unique_ptr<exporterhelper::StorageClient>(
      std::make_unique<SharedStoreClient>(*std::move(store)));
}

void FileStorage::ScheduleRebound() {
  timer_->timer.expires_after(config_.compaction.check_interval);
  std::weak_ptr<ReboundTimer> weak = timer_;
  timer_->timer.async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;
    auto t = weak.lock();
    if (!t) return;
    std::lock_guard lock(t->mu);
    if (t->owner == nullptr) return;
    t->owner->CheckRebound();
    t->owner->ScheduleRebound();
  });
}

void FileStorage::CheckRebound() {
  const uint64_t needed = static_cast<uint64_t>(config_.compaction.rebound_needed_threshold_mib)
                          << 20;
  const uint64_t trigger = static_cast<uint64_t>(config_.compaction.rebound_trigger_threshold_mib)
                           << 20;
  std::vector<std::pair<std::string, std::shared_ptr<LmdbStore>>> live;
  {
    std::lock_guard lock(mu_);
    for (auto it = stores_.begin(); it != stores_.end();) {
      if (auto s = it->second.lock()) {
        live.emplace_back(it->first, std::move(s));
        ++it;
      } else {
        flagged_.erase(it->first);
        it = stores_.erase(it);
      }
    }
  }
  for (auto& [name, store] : live) {
    uint64_t live_bytes = store->LiveBytes();
    bool compact = false;
    {
      std::lock_guard lock(mu_);
      if (live_bytes >= needed) flagged_[name] = true;
      compact = flagged_[name] && live_bytes <= trigger;
      if (compact) flagged_[name] = false;
    }
    if (!compact) continue;
    uint64_t before = store->FileBytes();
    if (absl::Status s = store->Compact(); !s.ok()) {
      logger_->warn("file_storage: rebound compaction of {} failed: {}", name,
                    std::string(s.message()));
    } else {
      logger_->info("file_storage: compacted {} after it shrank ({} -> {} bytes)", name, before,
                    store->FileBytes());
    }
  }
}

}  // namespace ocelot::extension::filestorage
