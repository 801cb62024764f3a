#include "cmd/ocelot/commands.h"

#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <csignal>
#include <iostream>
#include <thread>

#include "absl/strings/str_join.h"
#include "cmd/ocelot/default_profile.h"
#include "cmd/ocelot/registry.h"
#include "config/printer.h"
#include "config/resolve.h"
#include "service/service.h"
#include "service/service_config.h"

#ifndef OCELOT_VERSION
#define OCELOT_VERSION "0.0.0"
#endif

namespace ocelot::cmd {
namespace {

struct Loaded {
  config::Node root;
  service::ServiceConfig config;
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
  std::string label;  // which configuration this is, for the banner
};

Loaded Load(const Options& options, const component::Registry& registry) {
  Loaded out;
  std::vector<config::Source> sources;
  if (options.configs.empty()) {
    sources.push_back({kDefaultProfileName, kDefaultProfile});
    out.label = kDefaultProfileName;
  } else {
    for (const auto& c : options.configs) sources.push_back({c, ""});
    out.label = absl::StrJoin(options.configs, ", ");
  }
  auto resolved = config::Resolve(sources, options.sets, config::ProcessEnvironment());
  if (!resolved.ok()) {
    out.errors.push_back(std::string(resolved.status().message()));
    return out;
  }
  out.root = std::move(resolved->root);
  out.warnings = std::move(resolved->warnings);
  config::Diagnostics diag;
  out.config = service::DecodeServiceConfig(out.root, registry, &diag);
  for (const auto& w : diag.warnings()) out.warnings.push_back(w);
  out.errors = diag.errors();
  return out;
}

void PrintLines(const std::vector<std::string>& lines, const char* prefix) {
  for (const auto& l : lines) std::cerr << prefix << l << "\n";
}

spdlog::level::level_enum LevelFromName(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(c));
  if (name == "debug") return spdlog::level::debug;
  if (name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  return spdlog::level::info;
}

}  // namespace

int Validate(const Options& options) {
  component::Registry registry = BuildRegistry();
  Loaded loaded = Load(options, registry);
  PrintLines(loaded.warnings, "warning: ");
  if (!loaded.errors.empty()) {
    std::cerr << "invalid configuration (" << loaded.errors.size() << " error"
              << (loaded.errors.size() == 1 ? "" : "s") << "):\n";
    PrintLines(loaded.errors, "  ");
    return 1;
  }
  return 0;
}

int PrintConfig(const Options& options) {
  component::Registry registry = BuildRegistry();
  Loaded loaded = Load(options, registry);
  PrintLines(loaded.warnings, "warning: ");
  if (!loaded.errors.empty() && loaded.root.is_null()) {
    PrintLines(loaded.errors, "error: ");
    return 1;
  }
  std::cout << config::PrintYaml(loaded.root);
  return 0;
}

int ListComponents() {
  component::Registry registry = BuildRegistry();
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "buildinfo" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "command" << YAML::Value << "ocelot";
  out << YAML::Key << "description" << YAML::Value << "ocelot, an OpenTelemetry Collector in C++";
  out << YAML::Key << "version" << YAML::Value << OCELOT_VERSION;
  out << YAML::EndMap;
  for (auto kind : {component::Kind::kReceiver, component::Kind::kProcessor,
                    component::Kind::kExporter, component::Kind::kExtension}) {
    out << YAML::Key << component::KindSectionName(kind) << YAML::Value << YAML::BeginSeq;
    for (const component::Factory* f : registry.List(kind)) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << f->type();
      out << YAML::Key << "stability" << YAML::Value << YAML::BeginMap;
      if (kind == component::Kind::kExtension) {
        out << YAML::Key << "extension" << YAML::Value << component::StabilityName(f->stability());
      } else {
        for (auto signal :
             {pdata::Signal::kLogs, pdata::Signal::kMetrics, pdata::Signal::kTraces}) {
          if (!f->Supports(signal)) continue;
          out << YAML::Key << pdata::SignalName(signal) << YAML::Value
              << component::StabilityName(f->signals().For(signal));
        }
      }
      out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  std::cout << out.c_str() << "\n";
  return 0;
}

int RunCollector(const Options& options) {
  // Signals are taken by a thread of ours (sigwait), so block them before any thread exists.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto logger = spdlog::stderr_color_mt("ocelot");
  spdlog::set_default_logger(logger);

  component::Registry registry = BuildRegistry();
  Loaded loaded = Load(options, registry);
  PrintLines(loaded.warnings, "warning: ");
  if (!loaded.errors.empty()) {
    std::cerr << "invalid configuration (" << loaded.errors.size() << " error"
              << (loaded.errors.size() == 1 ? "" : "s") << "):\n";
    PrintLines(loaded.errors, "  ");
    return 1;
  }
  spdlog::set_level(LevelFromName(loaded.config.telemetry.log_level));
  if (!options.feature_gates.empty()) {
    spdlog::info("feature gates requested: {} (none exist in this version)",
                 absl::StrJoin(options.feature_gates, ","));
  }

  service::Service service;
  if (absl::Status s = service.Start(loaded.config); !s.ok()) {
    std::cerr << "Error: cannot start: " << s.message() << "\n";
    service.Shutdown();
    return 1;
  }
  std::cerr << "ocelot " << OCELOT_VERSION << " running config: " << loaded.label << "\n";
  PrintLines(service.Summary(), "  ");
  std::cerr << std::flush;

  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        spdlog::warn("SIGHUP: configuration reload is not supported yet; still running");
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
  if (!fatal.ok()) {
    std::cerr << "Error: " << fatal.message() << "\n";
    return 1;
  }
  std::cerr << "ocelot stopped\n";
  return 0;
}

}  // namespace ocelot::cmd
