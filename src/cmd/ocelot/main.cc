// ocelot: the collector binary's entry point; dispatches to the subcommands.
#include <absl/synchronization/mutex.h>
#include <malloc.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "cmd/ocelot/cli.h"
#include "cmd/ocelot/commands.h"
#include "cmd/ocelot/diff_command.h"
#include "cmd/ocelot/select.h"
#include "cmd/ocelot/top.h"
#include "cmd/ocelot/verify.h"

#ifndef OCELOT_VERSION
#define OCELOT_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  // glibc gives each thread that allocates its own arena, up to 8 per core, and each arena
  // keeps freed memory in RSS. A request is decoded on its receiver's one I/O thread and freed
  // by the exporter's, so few threads allocate at once: one arena per two cores (one on the
  // project's 2-core VMs) measured 1-1.5 MiB less RSS at 10k spans/s than one per core, and
  // the same flat-out rate (bench/README.md).
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2)));
  // A request's chunk arena grows in blocks up to 256 KiB and is freed when its batch is
  // exported. With glibc's defaults those blocks cross the mmap threshold and the heap top is
  // trimmed back to the kernel after every batch, so each request paid for fresh pages: flat
  // out, ocelot spent most of a core in page faults (1 poller thread: 0.51 M spans/s with the
  // defaults, 1.33 M with these). A fixed threshold keeps blocks on the heap; up to 8 MiB of
  // free heap top is kept for the next requests instead of being returned at once.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  // Debian builds abseil without NDEBUG, which leaves absl::Mutex's deadlock detector on: every
  // lock gRPC takes updated a lock graph (GraphCycles, ~2 % of ocelot's CPU at 10k spans/s).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  using namespace ocelot::cmd;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = ParseArgs(args);
  if (!options.ok()) {
    std::cerr << "Error: " << options.status().message() << "\n";
    return 2;
  }
  if (options->version) {
    std::cout << "ocelot version " << OCELOT_VERSION << "\n";
    return 0;
  }
  if (options->help) {
    std::cout << HelpText(options->command);
    return 0;
  }
  if (options->command == "validate") return Validate(*options);
  if (options->command == "components") return ListComponents();
  if (options->command == "print-config") return PrintConfig(*options);
  if (options->command == "select") return SelectCommand(*options);
  if (options->command == "top") return TopCommand(*options);
  if (options->command == "diff") {
    return DiffCommand(*options, ocelot::config::ProcessEnvironment(), std::cout, std::cerr);
  }
  if (options->command == "reload") return ReloadCommand();
  if (options->command == "verify") return VerifyCommand(*options);
  if (options->command == "config") {
    const auto& a = options->args;
    if (!a.empty() && a[0] == "history" && a.size() == 1) return ConfigHistoryCommand();
    if (!a.empty() && a[0] == "rollback" && a.size() <= 2) {
      std::optional<int> version;
      if (a.size() == 2) version = std::atoi(a[1].c_str());
      return ConfigRollbackCommand(version);
    }
    std::cerr << HelpText("config");
    return 2;
  }
  return RunCollector(*options);
}
