// Loading the collector's configuration for every command: sources (the --config files, the
// default profile, or a history version being rolled back to), merge, --set, expansion, and
// decoding into the service config, with every warning and error collected.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cmd/ocelot/cli.h"
#include "component/factory.h"
#include "config/node.h"
#include "service/service_config.h"

namespace ocelot::cmd {

struct Loaded {
  config::Node root;        // merged and expanded
  config::Node unexpanded;  // merged, before expansion: what the history keeps
  service::ServiceConfig config;
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
  std::string label;  // which configuration this is, for the banner and the history
};

// `override_text`, when given, replaces the --config sources (a rollback's content).
Loaded Load(const Options& options, const component::Registry& registry,
            const std::optional<std::string>& override_text = std::nullopt);

void PrintLines(const std::vector<std::string>& lines, const char* prefix);
// "invalid configuration (N errors):" followed by each error, to stderr.
void PrintErrors(const std::vector<std::string>& errors);

}  // namespace ocelot::cmd
