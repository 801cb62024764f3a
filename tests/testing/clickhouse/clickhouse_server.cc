// Starts, stops and queries the chdb-based ClickHouse test server (see clickhouse_server.h).
#include "testing/clickhouse/clickhouse_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "testing/wait.h"

#ifndef OCELOT_CHDB_LIB
#define OCELOT_CHDB_LIB ""
#endif
#ifndef OCELOT_CHDB_SERVER_BIN
#define OCELOT_CHDB_SERVER_BIN ""
#endif

namespace ocelot::testing {
namespace {

namespace fs = std::filesystem;

// A TCP port on 127.0.0.1 that was free a moment ago (a collision is retried by Start).
int PickFreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// curl_easy_init would initialise libcurl lazily, which is not thread-safe; do it once here.
CURL* NewCurl() {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return initialised ? curl_easy_init() : nullptr;
}

size_t AppendBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t CaptureExceptionCode(char* data, size_t size, size_t n, void* user) {
  std::string_view line(data, size * n);
  constexpr std::string_view kHeader = "x-clickhouse-exception-code:";
  if (line.size() > kHeader.size()) {
    std::string lower(line.substr(0, kHeader.size()));
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == kHeader) {
      std::string value(line.substr(kHeader.size()));
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t\r\n") + 1);
      *static_cast<std::string*>(user) = value;
    }
  }
  return size * n;
}

// One HTTP POST; `url_query` is the already-escaped part after "?" (may be empty).
absl::StatusOr<std::string> Post(int port, const std::string& url_query, std::string_view body,
                                 std::string_view user, std::string_view password,
                                 long timeout_ms) {
  CURL* curl = NewCurl();
  if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
  std::string url = absl::StrCat("http://127.0.0.1:", port, "/");
  if (!url_query.empty()) absl::StrAppend(&url, "?", url_query);
  std::string response, exception_code, user_s(user), password_s(password);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_USERNAME, user_s.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, password_s.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CaptureExceptionCode);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exception_code);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat("POST ", url, ": ", curl_easy_strerror(rc)));
  }
  if (status != 200) {
    return absl::InternalError(absl::StrCat("HTTP ", status, " (ClickHouse code ",
                                            exception_code.empty() ? "?" : exception_code,
                                            "): ", response));
  }
  return response;
}

bool Pings(int port) {
  CURL* curl = NewCurl();
  if (curl == nullptr) return false;
  std::string url = absl::StrCat("http://127.0.0.1:", port, "/ping"), body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 1000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  bool ok = curl_easy_perform(curl) == CURLE_OK && body == "Ok.\n";
  curl_easy_cleanup(curl);
  return ok;
}

}  // namespace

std::string ClickHouseServer::LibraryPath() {
  if (const char* env = std::getenv("OCELOT_CHDB_LIB"); env != nullptr && *env != '\0') {
    return env;
  }
  return OCELOT_CHDB_LIB;
}

bool ClickHouseServer::Available() { return SkipReason().empty(); }

std::string ClickHouseServer::SkipReason() {
  std::error_code ec;
  std::string lib = LibraryPath();
  if (lib.empty() || !fs::exists(lib, ec)) {
    return absl::StrCat("ClickHouse test server unavailable: libchdb.so not found at '", lib,
                        "'; run scripts/install-deps.sh or set OCELOT_CHDB_LIB");
  }
  if (!fs::exists(OCELOT_CHDB_SERVER_BIN, ec)) {
    return absl::StrCat("ClickHouse test server unavailable: launcher not built at '",
                        OCELOT_CHDB_SERVER_BIN, "' (target ocelot_chdb_server)");
  }
  return "";
}

ClickHouseServer::ClickHouseServer(Options options) : options_(std::move(options)) {
  std::random_device rd;
  dir_ = (fs::temp_directory_path() / absl::StrCat("ocelot-clickhouse-", ::getpid(), "-", rd()))
             .string();
}

ClickHouseServer::~ClickHouseServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    Reap(std::chrono::seconds(10));
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string ClickHouseServer::http_endpoint() const {
  return absl::StrCat("http://127.0.0.1:", http_port_);
}

std::string ClickHouseServer::tcp_endpoint() const {
  return absl::StrCat("tcp://127.0.0.1:", tcp_port_);
}

std::string ClickHouseServer::LogTail(size_t max_bytes) const {
  std::ifstream in(dir_ + "/server.log", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  std::string log = s.str();
  if (log.size() > max_bytes) log = "..." + log.substr(log.size() - max_bytes);
  return log;
}

absl::Status ClickHouseServer::WriteConfig() const {
  std::string config = absl::StrCat(
      "<clickhouse>\n"
      "  <logger><console>1</console></logger>\n"
      "  <listen_host>127.0.0.1</listen_host>\n"
      "  <http_port>",
      http_port_, "</http_port>\n  <tcp_port>", tcp_port_,
      "</tcp_port>\n"
      "  <path>",
      XmlEscape(dir_), "/data/</path>\n  <users_config>", XmlEscape(dir_),
      "/users.xml</users_config>\n"
      "</clickhouse>\n");
  // `default` must stay passwordless: clickhouse-local's own session logs in as it.
  std::string users =
      "<clickhouse>\n"
      "  <profiles><default/><readonly><readonly>2</readonly></readonly></profiles>\n"
      "  <quotas><default/></quotas>\n"
      "  <users>\n"
      "    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>"
      "<profile>default</profile><quota>default</quota></default>\n";
  for (const auto& u : options_.users) {
    absl::StrAppend(&users, "    <", XmlEscape(u.name), "><password>", XmlEscape(u.password),
                    "</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>",
                    u.readonly ? "readonly" : "default", "</profile><quota>default</quota></",
                    XmlEscape(u.name), ">\n");
  }
  users += "  </users>\n</clickhouse>\n";
  if (auto s = WriteFile(dir_ + "/config.xml", config); !s.ok()) return s;
  return WriteFile(dir_ + "/users.xml", users);
}

absl::Status ClickHouseServer::Start(std::chrono::milliseconds timeout) {
  if (pid_ > 0) return absl::FailedPreconditionError("ClickHouse test server already running");
  std::error_code ec;
  fs::create_directories(dir_ + "/data", ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir_, ": ", ec.message()));
  if (http_port_ != 0) return SpawnAndWait(timeout);  // a restart keeps its ports
  // Another process may take a port between PickFreePort and the server's bind: retry.
  absl::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    http_port_ = PickFreePort();
    do {
      tcp_port_ = PickFreePort();
    } while (tcp_port_ == http_port_);
    status = SpawnAndWait(timeout);
    if (status.ok() || LogTail().find("Address already in use") == std::string::npos) break;
  }
  return status;
}

absl::Status ClickHouseServer::SpawnAndWait(std::chrono::milliseconds timeout) {
  if (auto s = WriteConfig(); !s.ok()) return s;
  // Everything the child needs is built before fork: only async-signal-safe calls after it.
  std::vector<std::string> args = {OCELOT_CHDB_SERVER_BIN, "--lib=" + LibraryPath(),
                                   "--config-file=" + dir_ + "/config.xml",
                                   "--path=" + dir_ + "/data/"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log_path = dir_ + "/server.log";
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // Die with the test process, however it ends (a crashed test must not leak servers).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log < 0 || null < 0) ::_exit(127);
    ::dup2(null, STDIN_FILENO);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;

  bool exited = false;
  bool ready = WaitUntil(
      [&] {
        int wstatus = 0;
        if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
          exited = true;
          pid_ = -1;
          return true;
        }
        return Pings(http_port_);
      },
      timeout);
  if (ready && !exited) return absl::OkStatus();
  if (!exited) {
    ::kill(pid_, SIGKILL);
    Reap(std::chrono::seconds(10));
  }
  return absl::UnavailableError(
      absl::StrCat("ClickHouse test server on 127.0.0.1:", http_port_,
                   exited ? " exited during start" : " did not answer /ping in time", "; log ",
                   log_path, " ends with:\n", LogTail()));
}

bool ClickHouseServer::Reap(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return true;
  bool reaped = WaitUntil(
      [&] {
        int wstatus = 0;
        pid_t r = ::waitpid(pid_, &wstatus, WNOHANG);
        return r == pid_ || (r < 0 && errno == ECHILD);
      },
      timeout);
  if (reaped) pid_ = -1;
  return reaped;
}

void ClickHouseServer::Stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (Reap(timeout)) return;
  ::kill(pid_, SIGKILL);
  Reap(std::chrono::seconds(30));
}

absl::Status ClickHouseServer::Restart() {
  Stop();
  return Start();
}

absl::StatusOr<std::string> ClickHouseServer::Query(std::string_view sql, std::string_view user,
                                                    std::string_view password) const {
  return Post(http_port_, "", sql, user, password, 60000);
}

absl::StatusOr<std::string> ClickHouseServer::Insert(std::string_view sql, std::string_view body,
                                                     std::string_view user,
                                                     std::string_view password) const {
  char* escaped = curl_easy_escape(nullptr, sql.data(), static_cast<int>(sql.size()));
  if (escaped == nullptr) return absl::InternalError("curl_easy_escape failed");
  std::string url_query = absl::StrCat("query=", escaped);
  curl_free(escaped);
  return Post(http_port_, url_query, body, user, password, 60000);
}

}  // namespace ocelot::testing
