#include "cmd/ocelot/commands.h"

#include <yaml-cpp/yaml.h>

#include <iostream>

#include "cmd/ocelot/lint.h"
#include "cmd/ocelot/load.h"
#include "cmd/ocelot/registry.h"
#include "config/printer.h"

#ifndef OCELOT_VERSION
#define OCELOT_VERSION "0.0.0"
#endif

namespace ocelot::cmd {

int Validate(const Options& options) {
  component::Registry registry = BuildRegistry();
  Loaded loaded = Load(options, registry);
  // Risky settings are warnings: they never change the exit status.
  for (std::string& w : LintConfig(loaded.root, loaded.unexpanded)) {
    loaded.warnings.push_back(std::move(w));
  }
  PrintLines(loaded.warnings, "warning: ");
  if (!loaded.errors.empty()) {
    PrintErrors(loaded.errors);
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

}  // namespace ocelot::cmd
