#include "cmd/ocelot/cli.h"

#include <set>

#include "absl/strings/str_split.h"

namespace ocelot::cmd {

absl::StatusOr<Options> ParseArgs(const std::vector<std::string>& args) {
  static const std::set<std::string> kCommands = {"run", "validate", "components", "print-config"};
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
    } else if (arg == "--help" || arg == "-h" || arg == "help") {
      o.help = true;
    } else if (arg == "--version" || arg == "-v" || arg == "version") {
      o.version = true;
    } else if (!command_seen && kCommands.count(arg)) {
      o.command = arg;
      command_seen = true;
    } else {
      return absl::InvalidArgumentError("unknown argument \"" + args[i] + "\" (see ocelot --help)");
    }
  }
  return o;
}

std::string HelpText(const std::string& command) {
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
         "  print-config  print the effective configuration (secrets redacted)\n\n"
         "Flags:\n"
         "  --config FILE           a YAML config file; repeat to merge several, in order\n"
         "  --set key::path=value   override one setting after the files are merged\n"
         "  --feature-gates GATES   comma-separated feature gates (none exist yet)\n"
         "  --version               print the version\n"
         "  --help                  this text (also after a command)\n";
}

}  // namespace ocelot::cmd
