#include "cmd/ocelot/load.h"

#include <iostream>

#include "absl/strings/str_join.h"
#include "cmd/ocelot/default_profile.h"
#include "config/resolve.h"

namespace ocelot::cmd {

Loaded Load(const Options& options, const component::Registry& registry,
            const std::optional<std::string>& override_text) {
  Loaded out;
  std::vector<config::Source> sources;
  if (override_text) {
    sources.push_back({"<rolled-back version>", *override_text});
    out.label = "<rolled-back version>";
  } else if (options.configs.empty()) {
    sources.push_back({kDefaultProfileName, kDefaultProfile});
    out.label = kDefaultProfileName;
  } else {
    for (const auto& c : options.configs) sources.push_back({c, ""});
    out.label = absl::StrJoin(options.configs, ", ");
  }
  if (!options.sets.empty()) out.label += " (+" + std::to_string(options.sets.size()) + " --set)";
  auto resolved = config::Resolve(sources, options.sets, config::ProcessEnvironment());
  if (!resolved.ok()) {
    out.errors.push_back(std::string(resolved.status().message()));
    return out;
  }
  out.root = std::move(resolved->root);
  out.unexpanded = std::move(resolved->unexpanded);
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

void PrintErrors(const std::vector<std::string>& errors) {
  std::cerr << "invalid configuration (" << errors.size() << " error"
            << (errors.size() == 1 ? "" : "s") << "):\n";
  PrintLines(errors, "  ");
}

}  // namespace ocelot::cmd
