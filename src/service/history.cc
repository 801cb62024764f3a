#include "service/history.h"

#include <openssl/sha.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"

namespace ocelot::service {

namespace fs = std::filesystem;

namespace {

constexpr char kIndex[] = "index.tsv";  // version \t time \t hash \t sources \t file

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

void ConfigHistory::WriteReloadStatus(const std::string& status) const {
  // Written whole under another name, then renamed: `ocelot reload` polls for the file and
  // once read a half-written one (empty) as the outcome.
  const auto final_path = dir_ / "last-reload.txt";
  const auto temp_path = dir_ / "last-reload.txt.tmp";
  {
    std::ofstream out(temp_path, std::ios::trunc);
    out << status << "\n";
  }
  std::error_code ec;
  std::filesystem::rename(temp_path, final_path, ec);
}

std::optional<std::string> ConfigHistory::ReadReloadStatus() const {
  std::ifstream in(dir_ / "last-reload.txt");
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  std::string status = s.str();
  while (!status.empty() && status.back() == '\n') status.pop_back();
  return status;
}

void ConfigHistory::ClearReloadStatus() const {
  std::error_code ec;
  std::filesystem::remove(dir_ / "last-reload.txt", ec);
}

std::string Sha256Hex(const std::string& data) {
  // OpenSSL 3's one-shot SHA256() fetches the digest through the provider machinery, whose
  // first use loads the default provider and its algorithm tables: about 2 MiB of the
  // collector's idle RSS for one hash at start. The low-level functions (deprecated in 3.0 but
  // present) compute the same digest directly.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(digest, &ctx);
#pragma GCC diagnostic pop
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

ConfigHistory::ConfigHistory(fs::path dir) : dir_(std::move(dir)) {}

fs::path ConfigHistory::DefaultDir() {
  if (const char* d = std::getenv("OCELOT_HISTORY_DIR"); d && *d) return d;
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".ocelot" / "history";
}

absl::StatusOr<std::vector<HistoryEntry>> ConfigHistory::List() const {
  std::vector<HistoryEntry> out;
  std::ifstream in(dir_ / kIndex);
  if (!in) return out;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.empty()) continue;
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() != 5) {
      return absl::DataLossError((dir_ / kIndex).string() + ":" + std::to_string(line_no) +
                                 ": malformed history entry");
    }
    HistoryEntry e;
    e.version = std::atoi(f[0].c_str());
    e.time = f[1];
    e.hash = f[2];
    e.sources = f[3];
    e.path = dir_ / f[4];
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<HistoryEntry> ConfigHistory::Record(const std::string& yaml,
                                                   const std::string& sources) {
  auto entries = List();
  if (!entries.ok()) return entries.status();
  std::string hash = Sha256Hex(yaml);
  if (!entries->empty() && entries->back().hash == hash) return entries->back();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) {
    return absl::FailedPreconditionError("cannot create history directory " + dir_.string() + ": " +
                                         ec.message());
  }
  ::chmod(dir_.c_str(), 0700);  // configs may hold literal secrets
  HistoryEntry e;
  e.version = entries->empty() ? 1 : entries->back().version + 1;
  e.time = NowUtc();
  e.hash = hash;
  e.sources = sources;
  std::string file = "v" + std::to_string(e.version) + "-" + hash.substr(0, 12) + ".yaml";
  e.path = dir_ / file;
  {
    std::ofstream out(e.path, std::ios::binary | std::ios::trunc);
    out << yaml;
    if (!out) return absl::UnavailableError("cannot write " + e.path.string());
  }
  std::ofstream index(dir_ / kIndex, std::ios::app);
  index << e.version << '\t' << e.time << '\t' << e.hash << '\t' << sources << '\t' << file << '\n';
  if (!index) return absl::UnavailableError("cannot write " + (dir_ / kIndex).string());
  return e;
}

absl::StatusOr<std::string> ConfigHistory::Content(int version) const {
  auto entries = List();
  if (!entries.ok()) return entries.status();
  for (const HistoryEntry& e : *entries) {
    if (e.version != version) continue;
    std::ifstream in(e.path, std::ios::binary);
    if (!in) return absl::NotFoundError("cannot read " + e.path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  return absl::NotFoundError("no version " + std::to_string(version) + " in " + dir_.string());
}

}  // namespace ocelot::service
