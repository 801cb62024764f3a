// Command-line parsing for the ocelot binary, shaped like otelcol's: a subcommand (run when
// none), repeated --config, --set key::path=value, --feature-gates, --help, --version.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ocelot::cmd {

struct Options {
  std::string command = "run";  // run, validate, components, print-config, config, reload
  std::vector<std::string> configs;
  std::vector<std::string> sets;
  std::vector<std::string> feature_gates;
  std::vector<std::string>
      args;  // positional arguments after the command (config history/rollback N)
  std::vector<std::string> left;   // diff: --left FILE, repeatable (merged like --config)
  std::vector<std::string> right;  // diff: --right FILE, repeatable
  std::string configs_dir;         // select: --configs-dir DIR, where the profiles are
  bool json = false;               // select, diff: --json for machines
  std::string metrics_url;         // top: --metrics URL of a collector's /metrics
  bool once = false;               // top: --once prints one view and exits
  bool help = false;
  bool version = false;
};

absl::StatusOr<Options> ParseArgs(const std::vector<std::string>& args);
std::string HelpText(const std::string& command);

}  // namespace ocelot::cmd
