// The running pipeline graph: receivers shared by every pipeline that lists them, processors
// per pipeline, exporters shared. Owns every component instance and the fan-outs between them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "component/component.h"
#include "service/service_config.h"

namespace spdlog {
class logger;
}

namespace ocelot::service {

class Graph {
 public:
  // Creates every component (nothing starts yet). `logger_for` names each component's logger.
  static absl::StatusOr<std::unique_ptr<Graph>> Build(
      const ServiceConfig& config,
      const std::function<std::shared_ptr<spdlog::logger>(const std::string&)>& logger_for,
      telemetry::MetricsRegistry* metrics);

  // Starts extensions, exporters, processors, then receivers. On failure, shuts down what did
  // start (in reverse) and returns the error.
  absl::Status Start(component::Host& host);
  // Stops receivers first, then processors in pipeline order (each flushes downstream), then
  // exporters (which drain), then extensions. Nothing accepted is dropped on the way.
  void Shutdown();

  // Start-up banner lines: which component listens or writes where.
  std::vector<std::string> Summary() const;

  // The extension with this id, or nullptr.
  component::Component* extension(const component::Id& id) const;

 private:
  struct Node {
    std::string label;  // "receiver otlp", "processor batch in pipeline traces"
    std::unique_ptr<component::Component> component;
    bool started = false;
  };
  Graph() = default;

  // In start order; Shutdown walks them by stage (receivers, processors, exporters, extensions).
  std::vector<Node> extensions_;
  std::map<component::Id, component::Component*> extensions_by_id_;
  std::vector<Node> exporters_;
  std::vector<std::vector<Node>> pipeline_processors_;  // per pipeline, in pipeline order
  std::vector<Node> receivers_;
  std::vector<std::shared_ptr<void>> fanouts_;  // consumers owned by the graph itself
  std::vector<std::string> summary_;
  bool shut_down_ = false;
};

}  // namespace ocelot::service
