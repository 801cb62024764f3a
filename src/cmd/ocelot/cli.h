// Command-line parsing for the ocelot binary, shaped like otelcol's: a subcommand (run when
// none), repeated --config, --set key::path=value, --feature-gates, --help, --version.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ocelot::cmd {

struct Options {
  std::string command = "run";  // run, validate, components, print-config
  std::vector<std::string> configs;
  std::vector<std::string> sets;
  std::vector<std::string> feature_gates;
  bool help = false;
  bool version = false;
};

absl::StatusOr<Options> ParseArgs(const std::vector<std::string>& args);
std::string HelpText(const std::string& command);

}  // namespace ocelot::cmd
