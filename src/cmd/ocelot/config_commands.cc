// `ocelot config history`, `ocelot config rollback [N]` and `ocelot reload`: the operator's
// side of hot reload. They talk to the running collector through its history directory (its
// pid file, a pending configuration, and the outcome of the last reload) and SIGHUP.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cmd/ocelot/commands.h"
#include "service/history.h"

namespace ocelot::cmd {
namespace {

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Sends SIGHUP to the running collector and waits (10 s at most) for it to report the reload's
// outcome. Returns the exit status: 0 when the new configuration runs.
int SignalAndWait(const service::ConfigHistory& history) {
  std::string pid_text = ReadAll(history.pid_path());
  int pid = std::atoi(pid_text.c_str());
  if (pid <= 0 || ::kill(pid, 0) != 0) {
    std::cerr << "Error: no running collector found (no live pid in " << history.pid_path()
              << "); start one with `ocelot --config FILE`\n";
    return 1;
  }
  history.ClearReloadStatus();
  ::kill(pid, SIGHUP);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::optional<std::string> status;
  while (!(status = history.ReadReloadStatus())) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::cerr << "Error: the collector (pid " << pid << ") did not report within 10 s\n";
      return 1;
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(20));  // polling a file: a CLI, not a test
  }
  std::cout << *status << "\n";
  return status->rfind("ok", 0) == 0 ? 0 : 1;
}

}  // namespace

int ConfigHistoryCommand() {
  service::ConfigHistory history(service::ConfigHistory::DefaultDir());
  auto entries = history.List();
  if (!entries.ok()) {
    std::cerr << "Error: " << entries.status().message() << "\n";
    return 1;
  }
  if (entries->empty()) {
    std::cout << "no configuration has run yet (history: " << history.dir().string() << ")\n";
    return 0;
  }
  std::printf("%-8s %-21s %-13s %s\n", "VERSION", "TIME", "HASH", "SOURCES");
  for (size_t i = 0; i < entries->size(); ++i) {
    const auto& e = (*entries)[i];
    std::printf("%-8s %-21s %-13s %s%s\n", std::to_string(e.version).c_str(), e.time.c_str(),
                e.hash.substr(0, 12).c_str(), e.sources.c_str(),
                i + 1 == entries->size() ? "  (newest)" : "");
  }
  return 0;
}

int ConfigRollbackCommand(std::optional<int> version) {
  service::ConfigHistory history(service::ConfigHistory::DefaultDir());
  auto entries = history.List();
  if (!entries.ok()) {
    std::cerr << "Error: " << entries.status().message() << "\n";
    return 1;
  }
  if (!version) {
    if (entries->size() < 2) {
      std::cerr << "Error: there is no previous configuration to roll back to\n";
      return 1;
    }
    version = (*entries)[entries->size() - 2].version;
  }
  auto content = history.Content(*version);
  if (!content.ok()) {
    std::cerr << "Error: " << content.status().message() << "\n";
    return 1;
  }
  std::ofstream(history.pending_path(), std::ios::trunc | std::ios::binary) << *content;
  std::cout << "rolling back to version " << *version << "\n";
  return SignalAndWait(history);
}

int ReloadCommand() {
  service::ConfigHistory history(service::ConfigHistory::DefaultDir());
  return SignalAndWait(history);
}

}  // namespace ocelot::cmd
