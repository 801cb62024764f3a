#include "integration/collector_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "testing/wait.h"

extern char** environ;

namespace ocelot::testing {

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path,
            const std::string& err_path, const std::vector<std::string>& extra_env) {
  std::vector<std::string> argv_storage = {OCELOT_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  // extra_env overrides inherited variables of the same name.
  for (char** e = environ; *e; ++e) {
    std::string var(*e);
    std::string name = var.substr(0, var.find('=') + 1);
    bool overridden = false;
    for (const auto& x : extra_env) overridden |= x.rfind(name, 0) == 0;
    if (!overridden) env_storage.push_back(var);
  }
  env_storage.insert(env_storage.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// waitpid has no timeout; a child that hangs must fail the test, not hang it.
std::optional<int> WaitPid(pid_t pid, std::chrono::milliseconds timeout) {
  std::optional<int> result;
  bool gone = false;
  WaitUntil(
      [&] {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        gone = r != 0;
        return gone;
      },
      timeout);
  return result;
}

}  // namespace

int FreePort() {
  // A port the kernel just gave out and took back can come again on the next call: a test that
  // asks for two ports (gRPC and HTTP) once got the same one twice and its collector failed to
  // start ("address already in use"). Never hand out a port twice in one process.
  static std::mutex mu;
  static std::set<int> given;
  std::lock_guard lock(mu);
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    const int port = ntohs(addr.sin_port);
    if (given.insert(port).second) return port;
  }
  return 0;
}

bool WaitForPort(int port, std::chrono::milliseconds timeout) {
  return WaitUntil(
      [&] {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port));
        bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        close(fd);
        return ok;
      },
      timeout);
}

CollectorProcess::CollectorProcess(std::vector<std::string> args, std::string stderr_path,
                                   std::vector<std::string> extra_env)
    : stderr_path_(std::move(stderr_path)) {
  // Each collector keeps its config history (and pid file) beside its stderr, not in $HOME,
  // so parallel tests do not share one.
  bool has_history = false;
  for (const auto& e : extra_env) has_history |= e.rfind("OCELOT_HISTORY_DIR=", 0) == 0;
  if (!has_history) {
    extra_env.push_back("OCELOT_HISTORY_DIR=" +
                        (std::filesystem::path(stderr_path_).parent_path() / "history").string());
  }
  pid_ = Spawn(args, "/dev/null", stderr_path_, extra_env);
}

CollectorProcess::~CollectorProcess() {
  if (pid_ > 0 && !exit_status_) {
    kill(pid_, SIGKILL);
    WaitPid(pid_, std::chrono::seconds(10));
  }
}

int CollectorProcess::Stop(std::chrono::milliseconds timeout) {
  if (exit_status_) return *exit_status_;
  kill(pid_, SIGTERM);
  auto status = WaitExit(timeout);
  return status.value_or(-1);
}

void CollectorProcess::Kill9() {
  if (exit_status_ || pid_ <= 0) return;
  kill(pid_, SIGKILL);
  exit_status_ = WaitPid(pid_, std::chrono::seconds(10)).value_or(-1);
}

std::optional<int> CollectorProcess::WaitExit(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  exit_status_ = WaitPid(pid_, timeout);
  return exit_status_;
}

std::string CollectorProcess::Stderr() const { return Slurp(stderr_path_); }

int RunOcelot(const std::vector<std::string>& args, std::string* out, std::string* err) {
  std::string base = (std::filesystem::temp_directory_path() /
                      ("ocelot-run-" + std::to_string(getpid()) + "-" +
                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count())))
                         .string();
  pid_t pid = Spawn(args, base + ".out", base + ".err", {});
  auto status = WaitPid(pid, std::chrono::seconds(60));
  if (out) *out = Slurp(base + ".out");
  if (err) *err = Slurp(base + ".err");
  std::filesystem::remove(base + ".out");
  std::filesystem::remove(base + ".err");
  if (!status) {
    kill(pid, SIGKILL);
    return -1;
  }
  return *status;
}

}  // namespace ocelot::testing
