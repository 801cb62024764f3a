// `ocelot` (run): starts the collector, then serves signals: SIGTERM/SIGINT stop it cleanly;
// SIGHUP (or `ocelot reload` / `ocelot config rollback`) reloads the configuration with
// automatic rollback, and every configuration that ran is kept in the config history.
#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/str_join.h"
#include "cmd/ocelot/commands.h"
#include "cmd/ocelot/load.h"
#include "cmd/ocelot/registry.h"
#include "config/printer.h"
#include "service/history.h"
#include "service/service.h"
#include "telemetry/logging.h"

#ifndef OCELOT_VERSION
#define OCELOT_VERSION "0.0.0"
#endif

namespace ocelot::cmd {
namespace {

// service::telemetry::logs: replaces the start-up logger with the configured one.
absl::Status SetUpLogging(const service::TelemetryConfig& t) {
  telemetry::LogsSettings s;
  s.level = t.log_level;
  s.encoding = t.log_encoding;
  s.output_paths = t.log_output_paths;
  s.initial_fields = t.log_initial_fields;
  s.sampling_enabled = t.log_sampling_enabled;
  s.sampling_tick = t.log_sampling_tick;
  s.sampling_initial = t.log_sampling_initial;
  s.sampling_thereafter = t.log_sampling_thereafter;
  auto logger = telemetry::BuildLogger("ocelot", s);
  if (!logger.ok()) return logger.status();
  spdlog::set_default_logger(*logger);
  return absl::OkStatus();
}

// Records a configuration that now runs; history problems are logged, never fatal.
void RecordHistory(service::ConfigHistory& history, const Loaded& loaded) {
  auto entry = history.Record(config::PrintYaml(loaded.unexpanded, /*redact=*/false), loaded.label);
  if (!entry.ok()) {
    spdlog::warn("config history: {}", std::string(entry.status().message()));
    return;
  }
  spdlog::info("running config version {} ({})", entry->version, entry->hash.substr(0, 12));
}

// SIGHUP: load the new configuration (a pending rollback, else the --config sources); keep the
// current one when it is invalid; otherwise swap, with rollback if the new one fails to start.
void Reload(const Options& options, const component::Registry& registry, service::Service& service,
            service::ConfigHistory& history, std::unique_ptr<Loaded>& current) {
  std::optional<std::string> pending;
  if (std::ifstream in(history.pending_path(), std::ios::binary); in) {
    std::ostringstream s;
    s << in.rdbuf();
    pending = s.str();
    std::filesystem::remove(history.pending_path());
  }
  auto next = std::make_unique<Loaded>(Load(options, registry, pending));
  PrintLines(next->warnings, "warning: ");
  if (!next->errors.empty()) {
    std::string why = absl::StrJoin(next->errors, "; ");
    spdlog::error("reload rejected, still running the previous configuration: {}", why);
    history.WriteReloadStatus("rejected: " + why);
    return;
  }
  absl::Status s = service.Reload(next->config, current->config);
  if (!s.ok()) {
    spdlog::error("reload failed: {}", std::string(s.message()));
    history.WriteReloadStatus("rolled back: " + std::string(s.message()));
    return;
  }
  current = std::move(next);
  RecordHistory(history, *current);
  spdlog::info("configuration reloaded: {}", current->label);
  auto entries = history.List();
  history.WriteReloadStatus("ok: version " + std::to_string(entries.ok() && !entries->empty()
                                                                ? entries->back().version
                                                                : 0));
}

}  // namespace

int RunCollector(const Options& options) {
  // Signals are taken by a thread of ours (sigwait), so block them before any thread exists.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto logger = spdlog::stderr_color_mt("ocelot");
  spdlog::set_default_logger(logger);

  component::Registry registry = BuildRegistry();
  auto current = std::make_unique<Loaded>(Load(options, registry));
  PrintLines(current->warnings, "warning: ");
  if (!current->errors.empty()) {
    PrintErrors(current->errors);
    return 1;
  }
  if (absl::Status s = SetUpLogging(current->config.telemetry); !s.ok()) {
    std::cerr << "Error: " << s.message() << "\n";
    return 1;
  }
  if (!options.feature_gates.empty()) {
    spdlog::info("feature gates requested: {} (none exist in this version)",
                 absl::StrJoin(options.feature_gates, ","));
  }

  service::Service service;
  component::CollectorDescription description;  // for zpages
  description.version = OCELOT_VERSION;
  description.effective_config = config::PrintYaml(current->root);
  description.feature_gates = options.feature_gates;
  service.SetDescription(std::move(description));
  if (absl::Status s = service.Start(current->config); !s.ok()) {
    std::cerr << "Error: cannot start: " << s.message() << "\n";
    service.Shutdown();
    return 1;
  }
  std::cerr << "ocelot " << OCELOT_VERSION << " running config: " << current->label << "\n";
  PrintLines(service.Summary(), "  ");
  std::cerr << std::flush;

  service::ConfigHistory history(service::ConfigHistory::DefaultDir());
  RecordHistory(history, *current);
  std::filesystem::remove(history.pending_path());  // a stale rollback must not apply later
  std::ofstream(history.pid_path(), std::ios::trunc) << getpid() << "\n";

  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        spdlog::info("SIGHUP: reloading the configuration");
        Reload(options, registry, service, history, current);
        continue;
      }
      if (sig == SIGINT || sig == SIGTERM) {
        spdlog::info("received signal {}, shutting down", sig);
      }
      service.RequestStop();
      return;
    }
  });
  absl::Status fatal = service.Wait();
  pthread_kill(signal_thread.native_handle(), SIGUSR1);  // ends sigwait if no signal came
  signal_thread.join();
  service.Shutdown();
  std::filesystem::remove(history.pid_path());
  if (!fatal.ok()) {
    std::cerr << "Error: " << fatal.message() << "\n";
    return 1;
  }
  std::cerr << "ocelot stopped\n";
  return 0;
}

}  // namespace ocelot::cmd
