// The whole collector configuration decoded and validated: every component's typed config,
// the pipelines, and the service's own telemetry settings. Built from the resolved tree.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "component/factory.h"
#include "config/decoder.h"
#include "config/node.h"
#include "pdata/batch.h"

namespace ocelot::service {

struct ComponentEntry {
  component::Id id;
  const component::Factory* factory = nullptr;  // null for a type planned but not built yet
  std::unique_ptr<component::Config> config;
  config::Location location;
};

struct PipelineConfig {
  std::string name;  // "traces" or "traces/name"
  pdata::Signal signal = pdata::Signal::kTraces;
  std::vector<component::Id> receivers;
  std::vector<component::Id> processors;
  std::vector<component::Id> exporters;
  config::Location location;
};

struct TelemetryConfig {
  std::string log_level = "info";
  std::string log_encoding = "console";  // console or json
  std::vector<std::string> log_output_paths = {"stderr"};
  std::map<std::string, std::string> log_initial_fields;
  // zap's sampling of repeated lines, with otelcol 0.96's defaults.
  bool log_sampling_enabled = true;
  config::Duration log_sampling_tick = std::chrono::seconds(10);
  int64_t log_sampling_initial = 10;
  int64_t log_sampling_thereafter = 100;
  std::string metrics_address = "localhost:8888";
  // Set in the config (a busy port is then fatal, as in otelcol) rather than the default (a
  // busy default port is logged: several collectors on one machine must still start).
  bool metrics_address_explicit = false;
  std::string metrics_level = "basic";  // none, basic, normal, detailed; none: no server
  // service::telemetry::resource: service.name, service.version, service.instance.id override
  // the service_* labels on every metric.
  std::map<std::string, std::string> resource;
};

struct ServiceConfig {
  std::map<component::Id, ComponentEntry> receivers;
  std::map<component::Id, ComponentEntry> processors;
  std::map<component::Id, ComponentEntry> exporters;
  std::map<component::Id, ComponentEntry> extensions;
  std::vector<component::Id> service_extensions;
  std::vector<PipelineConfig> pipelines;
  TelemetryConfig telemetry;

  std::map<component::Id, ComponentEntry>& Section(component::Kind kind);
  const std::map<component::Id, ComponentEntry>& Section(component::Kind kind) const;
};

// Decodes and validates everything, reporting every problem into *diag. The result is usable
// only when diag->ok().
ServiceConfig DecodeServiceConfig(const config::Node& root, const component::Registry& registry,
                                  config::Diagnostics* diag);

}  // namespace ocelot::service
