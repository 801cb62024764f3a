#include "cmd/ocelot/cli.h"

#include <set>

#include "absl/strings/str_split.h"

namespace ocelot::cmd {

absl::StatusOr<Options> ParseArgs(const std::vector<std::string>& args) {
  static const std::set<std::string> kCommands = {"run",  "validate", "components", "print-config",
                                                  "diff", "select",   "config",     "reload",
                                                  "top",  "verify"};
  Options o;
  bool command_seen = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool has_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (size_t eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_value = true;
      }
    }
    auto take_value = [&]() -> absl::StatusOr<std::string> {
      if (has_value) return value;
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError("flag " + arg + " needs a value");
      }
      return args[++i];
    };
    if (arg == "--config" || arg == "-c") {
      auto v = take_value();
      if (!v.ok()) return v.status();
      o.configs.push_back(*v);
    } else if (arg == "--set") {
      auto v = take_value();
      if (!v.ok()) return v.status();
      o.sets.push_back(*v);
    } else if (arg == "--feature-gates") {
      auto v = take_value();
      if (!v.ok()) return v.status();
      for (auto gate : absl::StrSplit(*v, ',', absl::SkipEmpty())) {
        o.feature_gates.emplace_back(gate);
      }
    } else if (arg == "--left" || arg == "--right" || arg == "--configs-dir") {
      auto v = take_value();
      if (!v.ok()) return v.status();
      if (arg == "--configs-dir") {
        o.configs_dir = *v;
      } else {
        (arg == "--left" ? o.left : o.right).push_back(*v);
      }
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--metrics") {
      auto v = take_value();
      if (!v.ok()) return v.status();
      o.metrics_url = *v;
    } else if (arg == "--once") {
      o.once = true;
    } else if (arg == "--help" || arg == "-h" || arg == "help") {
      o.help = true;
    } else if (arg == "--version" || arg == "-v" || arg == "version") {
      o.version = true;
    } else if (!command_seen && kCommands.count(arg)) {
      o.command = arg;
      command_seen = true;
    } else if (command_seen && (o.command == "config" || o.command == "diff") &&
               arg.rfind("-", 0) != 0) {
      o.args.push_back(arg);
    } else {
      return absl::InvalidArgumentError("unknown argument \"" + args[i] + "\" (see ocelot --help)");
    }
  }
  return o;
}

std::string HelpText(const std::string& command) {
  if (command == "top") {
    return "Usage: ocelot top [--config FILE | --metrics URL] [--once]\n\n"
           "A live view of a running collector, read from its own metrics endpoint: one row per\n"
           "receiver, processor and exporter with items per second in and out, refused and\n"
           "failed items and queue fill, plus memory and CPU. Redraws every second on a\n"
           "terminal, prints plain text otherwise.\n\n"
           "  --config FILE   the collector's config (service::telemetry::metrics::address)\n"
           "  --metrics URL   the /metrics URL (default http://127.0.0.1:8888/metrics)\n"
           "  --once          print one view (rates averaged since start) and exit\n";
  }
  if (command == "validate") {
    return "Usage: ocelot validate --config FILE [--config FILE...] [--set key::path=value]\n\n"
           "Checks the configuration without starting anything. Every error is listed with its\n"
           "file, line and key. Exit status 0 when valid, 1 when not.\n";
  }
  if (command == "components") {
    return "Usage: ocelot components\n\n"
           "Lists every receiver, processor, exporter and extension built into ocelot, with its\n"
           "stability per signal.\n";
  }
  if (command == "config") {
    return "Usage: ocelot config history\n"
           "       ocelot config rollback [VERSION]\n\n"
           "history lists every configuration that ran (version, time, content hash, sources).\n"
           "rollback loads VERSION (default: the one before the newest) into the running\n"
           "collector; if it fails to start, the collector keeps its current configuration.\n"
           "The history lives in $OCELOT_HISTORY_DIR (default $HOME/.ocelot/history).\n";
  }
  if (command == "verify") {
    return "Usage: ocelot verify --config FILE [--json]\n\n"
           "Checks a running collector against its configuration: process up, health_check\n"
           "healthy, OTLP gRPC and HTTP accept an empty export, exporters sending without new\n"
           "failures, memory under the memory_limiter's limit, queues not filling. One line per\n"
           "check; exit status 0 only when every check passes.\n";
  }
  if (command == "reload") {
    return "Usage: ocelot reload\n\n"
           "Makes the running collector re-read its --config files (as SIGHUP does). An invalid\n"
           "or failing configuration is rolled back automatically; exit status 0 when the new\n"
           "configuration runs.\n";
  }
  if (command == "diff") {
    return "Usage: ocelot diff A.yaml B.yaml [--json]\n"
           "       ocelot diff --left FILE [--left FILE...] --right FILE [--right FILE...]\n\n"
           "Compares two effective configurations (each side's files merged as --config merges\n"
           "them, variables expanded from the environment): a table of the aspects that tell\n"
           "environments apart (batching, memory limit, exporters per pipeline, extensions, log\n"
           "processing, sampling, retention, sending queue), then every key path that differs.\n"
           "Secrets are redacted. --json prints one JSON object instead. Exit status 0 when the\n"
           "configurations are the same, 1 when they differ, 2 on error.\n";
  }
  if (command == "select") {
    return "Usage: ocelot select [--configs-dir DIR] [--json]\n\n"
           "Chooses the profile a deployment runs, from its environment: the LETTA_ENVIRONMENT\n"
           "profile (development, staging, production; default development) when\n"
           "CLICKHOUSE_ENDPOINT and CLICKHOUSE_PASSWORD are set, else gateway.yaml when\n"
           "SIGNOZ_ENDPOINT and SIGNOZ_INGESTION_KEY are set, else file.yaml. Prints the path on\n"
           "the first line, then the reason. Profiles are read from --configs-dir, else\n"
           "$OCELOT_CONFIG_DIR, else the configs directory installed beside the binary.\n";
  }
  if (command == "print-config") {
    return "Usage: ocelot print-config --config FILE [--config FILE...] [--set key::path=value]\n\n"
           "Prints the effective configuration after merging files, applying --set and expanding\n"
           "variables. Passwords, keys, tokens, secrets and authorization headers are redacted.\n";
  }
  return "Usage: ocelot [command] [--config FILE]... [--set key::path=value]... "
         "[--feature-gates GATES]\n\n"
         "Runs the collector (the default profile when no --config is given: OTLP on\n"
         "localhost:4317/4318 into files under $HOME/.ocelot/data).\n\n"
         "Commands:\n"
         "  validate      check a configuration and exit\n"
         "  components    list the built-in components\n"
         "  print-config  print the effective configuration (secrets redacted)\n"
         "  diff          compare two configurations (environments)\n"
         "  select        choose the deployment profile from the environment\n"
         "  reload        make the running collector reload its configuration\n"
         "  verify        check a running collector: health, OTLP, exporters, memory, queues\n"
         "  config        history | rollback [VERSION]: the configurations that ran\n"
         "  top           a live view of a running collector's own metrics\n\n"
         "Flags:\n"
         "  --config FILE           a YAML config file; repeat to merge several, in order\n"
         "  --set key::path=value   override one setting after the files are merged\n"
         "  --feature-gates GATES   comma-separated feature gates (none exist yet)\n"
         "  --version               print the version\n"
         "  --help                  this text (also after a command)\n";
}

}  // namespace ocelot::cmd
