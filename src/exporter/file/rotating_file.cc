#include "exporter/file/rotating_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <set>
#include <vector>

namespace ocelot::exporter::file {

namespace fs = std::filesystem;

namespace {

constexpr char kTimeFormat[] = "%Y-%m-%dT%H-%M-%S";  // + ".mmm", lumberjack's layout

// True the first time a path is opened in this process. A config reload re-creates the
// exporter for the same file; truncating it again would destroy what the previous
// configuration already wrote, so only the first open truncates (process-wide by design).
bool FirstOpenInProcess(const fs::path& p) {
  static std::mutex mu;
  static std::set<std::string> opened;
  std::lock_guard lock(mu);
  return opened.insert(fs::absolute(p).lexically_normal().string()).second;
}

absl::Status ErrnoError(const std::string& what, const fs::path& p) {
  return absl::UnavailableError(what + " " + p.string() + ": " + std::strerror(errno));
}

}  // namespace

RotatingFile::RotatingFile(fs::path path, std::optional<RotationPolicy> rotation, bool append,
                           Clock clock)
    : path_(std::move(path)), rotation_(rotation), append_(append), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

RotatingFile::~RotatingFile() { Close(); }

std::string RotatingFile::BackupName(std::chrono::system_clock::time_point t) const {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::tm tm{};
  if (rotation_ && rotation_->localtime) {
    localtime_r(&secs, &tm);
  } else {
    gmtime_r(&secs, &tm);
  }
  char stamp[64];
  std::strftime(stamp, sizeof(stamp), kTimeFormat, &tm);
  char with_millis[80];
  std::snprintf(with_millis, sizeof(with_millis), "%s.%03d", stamp, static_cast<int>(millis));
  std::string stem = path_.stem().string();
  std::string ext = path_.extension().string();
  return stem + "-" + with_millis + ext;
}

absl::Status RotatingFile::Open() {
  std::error_code ec;
  fs::path dir = path_.parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) {
      return absl::FailedPreconditionError("cannot create directory " + dir.string() + ": " +
                                           ec.message());
    }
  }
  // Lumberjack appends to an existing file when rotating; without rotation the Go exporter
  // truncates unless `append` is set.
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND;
  if (!rotation_ && !append_ && FirstOpenInProcess(path_)) flags |= O_TRUNC;
  fd_ = ::open(path_.c_str(), flags, 0644);
  if (fd_ < 0) {
    absl::Status s = ErrnoError("cannot open", path_);
    return absl::FailedPreconditionError(s.message());
  }
  struct stat st {};
  size_ = (::fstat(fd_, &st) == 0) ? static_cast<uint64_t>(st.st_size) : 0;
  return absl::OkStatus();
}

absl::Status RotatingFile::Write(std::string_view data) {
  if (fd_ < 0) return absl::FailedPreconditionError("file " + path_.string() + " is not open");
  if (rotation_ && rotation_->max_bytes > 0 && size_ > 0 &&
      size_ + data.size() > rotation_->max_bytes) {
    if (absl::Status s = Rotate(); !s.ok()) return s;
  }
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write", path_);
    }
    data.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

absl::Status RotatingFile::Rotate() {
  Close();
  fs::path backup = path_.parent_path() / BackupName(clock_());
  std::error_code ec;
  fs::rename(path_, backup, ec);
  if (ec) {
    return absl::UnavailableError("cannot rotate " + path_.string() + " to " + backup.string() +
                                  ": " + ec.message());
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND | O_TRUNC, 0644);
  if (fd_ < 0) return ErrnoError("cannot open", path_);
  size_ = 0;
  PruneBackups();
  return absl::OkStatus();
}

void RotatingFile::PruneBackups() {
  if (!rotation_ || (rotation_->max_backups == 0 && rotation_->max_days == 0)) return;
  const std::string stem = path_.stem().string() + "-";
  const std::string ext = path_.extension().string();
  struct Backup {
    fs::path path;
    std::string stamp;  // sorts chronologically as text
  };
  std::vector<Backup> backups;
  std::error_code ec;
  fs::path dir = path_.parent_path().empty() ? fs::path(".") : path_.parent_path();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() <= stem.size() + ext.size() || name.rfind(stem, 0) != 0 ||
        name.compare(name.size() - ext.size(), ext.size(), ext) != 0) {
      continue;
    }
    std::string stamp = name.substr(stem.size(), name.size() - stem.size() - ext.size());
    std::tm tm{};
    if (strptime(stamp.c_str(), kTimeFormat, &tm) == nullptr) continue;  // not a backup
    backups.push_back({entry.path(), stamp});
  }
  std::sort(backups.begin(), backups.end(),
            [](const Backup& a, const Backup& b) { return a.stamp > b.stamp; });  // newest first
  std::vector<fs::path> remove;
  if (rotation_->max_backups > 0 && backups.size() > static_cast<size_t>(rotation_->max_backups)) {
    for (size_t i = rotation_->max_backups; i < backups.size(); ++i) {
      remove.push_back(backups[i].path);
    }
    backups.resize(rotation_->max_backups);
  }
  if (rotation_->max_days > 0) {
    auto cutoff = clock_() - std::chrono::hours(24) * rotation_->max_days;
    std::string cutoff_name = BackupName(cutoff);
    std::string cutoff_stamp =
        cutoff_name.substr(stem.size(), cutoff_name.size() - stem.size() - ext.size());
    for (const Backup& b : backups) {
      if (b.stamp < cutoff_stamp) remove.push_back(b.path);
    }
  }
  for (const fs::path& p : remove) fs::remove(p, ec);
}

void RotatingFile::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace ocelot::exporter::file
