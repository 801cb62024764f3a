// Runs the real ocelot binary as a child process for end-to-end tests: config written to a
// temp dir, stderr captured, readiness and exit awaited with deadlines (never sleeps).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ocelot::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// True once something accepts TCP connections on 127.0.0.1:port, false at the deadline.
bool WaitForPort(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20));

class CollectorProcess {
 public:
  // `args` are passed to ocelot; stderr goes to `stderr_path`.
  CollectorProcess(std::vector<std::string> args, std::string stderr_path,
                   std::vector<std::string> extra_env = {});
  ~CollectorProcess();  // kills the child if still running

  // Sends SIGTERM and waits for exit; returns the exit status (-1 on timeout or signal death).
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Sends SIGKILL, as a crash or an OOM kill would (the child flushes nothing), and reaps it.
  void Kill9();
  // Waits for the child to exit on its own; nullopt on timeout.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string Stderr() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string stderr_path_;
  std::optional<int> exit_status_;
};

// Runs ocelot to completion (validate, components...) and returns its exit status, with
// stdout and stderr captured.
int RunOcelot(const std::vector<std::string>& args, std::string* out, std::string* err);

}  // namespace ocelot::testing
