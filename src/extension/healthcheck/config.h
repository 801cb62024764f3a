// health_check extension options, as otelcol-contrib 0.96's healthcheckextension.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "component/factory.h"

namespace ocelot::extension::healthcheck {

struct ResponseBodyConfig {
  std::string healthy;    // replaces the JSON body when healthy; "" keeps it
  std::string unhealthy;  // replaces the JSON body when not; "" keeps it
};

// Go's check_collector_pipeline: judges exporters by their recent failures. Go documents it as
// "not working as expected"; ocelot's: unhealthy when an exporter failed at least
// exporter_failure_threshold times within the last `interval` and has not succeeded since.
struct CheckCollectorPipelineConfig {
  bool enabled = false;
  config::Duration interval = std::chrono::minutes(5);
  int exporter_failure_threshold = 5;
};

struct Config final : component::Config {
  std::string endpoint = "localhost:13133";
  std::string path = "/";  // ending in "/": also every path under it (Go's ServeMux)
  std::optional<ResponseBodyConfig> response_body;
  CheckCollectorPipelineConfig check_collector_pipeline;
  std::map<std::string, std::string> response_headers;

  void Decode(config::MapDecoder& d) override {
    d.Endpoint("endpoint", &endpoint);
    d.Field("path", &path);
    if (d.Peek("response_body") != nullptr) {
      response_body.emplace();
      d.Object("response_body", [&](config::MapDecoder& r) {
        r.Field("healthy", &response_body->healthy);
        r.Field("unhealthy", &response_body->unhealthy);
      });
    }
    d.Object("check_collector_pipeline", [&](config::MapDecoder& c) {
      c.Field("enabled", &check_collector_pipeline.enabled);
      c.Field("interval", &check_collector_pipeline.interval);
      c.Field("exporter_failure_threshold", &check_collector_pipeline.exporter_failure_threshold);
    });
    d.Field("response_headers", &response_headers);
  }

  void Validate(config::MapDecoder& d) const override {
    if (endpoint.empty()) d.Error("endpoint", "endpoint must be specified");
    if (path.empty() || path[0] != '/') d.Error("path", "path must start with /");
    if (check_collector_pipeline.exporter_failure_threshold <= 0) {
      d.Error("check_collector_pipeline", "exporter_failure_threshold expects a positive number");
    }
    if (check_collector_pipeline.interval.count() <= 0) {
      d.Error("check_collector_pipeline", "interval must be positive");
    }
  }

  std::vector<std::string> Summary() const override {
    return {"health at http://" + endpoint + path};
  }
};

}  // namespace ocelot::extension::healthcheck
