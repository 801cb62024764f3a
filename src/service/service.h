// The collector process: builds the graph from a decoded config, runs the shared I/O pool,
// starts everything, waits for SIGTERM/SIGINT (or a fatal component error) and shuts down so
// that nothing accepted is lost.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "component/component.h"
#include "service/graph.h"
#include "service/service_config.h"

namespace ocelot::telemetry {
class PrometheusServer;
}

namespace ocelot::service {

class Service final : public component::Host {
 public:
  explicit Service(size_t io_threads = 0);  // 0: from the machine (1 or 2 on small machines)
  ~Service() override;

  // Builds and starts the graph. On error nothing stays running.
  absl::Status Start(const ServiceConfig& config);
  // Replaces the running graph: stops the old one (receivers first, processors flush,
  // exporters drain, so nothing accepted is lost), then starts `next`. If `next` fails to
  // build or start, starts `previous` again (automatic rollback) and returns why; if even that
  // fails, the service reports a fatal error. Callers serialise reloads.
  absl::Status Reload(const ServiceConfig& next, const ServiceConfig& previous);

  // Blocks until RequestStop() or a fatal error; returns the fatal error, if any.
  absl::Status Wait();
  // Thread-safe and async-signal-free: callable from any thread (signal handling runs on
  // a thread of ours, see cmd/).
  void RequestStop();
  // Stops the graph and the I/O pool. Idempotent.
  void Shutdown();

  std::vector<std::string> Summary() const;

  // What the collector runs, for zpages: version, start time, effective config and feature
  // gates come from here (call before Start); pipelines, extensions and the summary are filled
  // from the config each time a graph starts.
  void SetDescription(component::CollectorDescription description);
  const component::CollectorDescription* description() const override { return &description_; }

  boost::asio::io_context& io_context() override { return io_; }
  void ReportFatalError(const absl::Status& status) override;
  component::Component* GetExtension(const component::Id& id) override;
  telemetry::MetricsRegistry& metrics() { return metrics_; }

 private:
  absl::Status BuildAndStart(const ServiceConfig& config);
  // service::telemetry: the service_* labels, process metrics and the /metrics server.
  absl::Status StartTelemetry(const TelemetryConfig& telemetry);
  // Tells the extensions that watch (health_check) what the collector is doing.
  void NotifyWatchers(component::CollectorStatus status);

  telemetry::MetricsRegistry metrics_;  // outlives the graph that updates it
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<Graph> graph_;
  std::vector<component::StatusWatcher*> watchers_;  // extensions of graph_ that watch
  component::CollectorDescription description_;      // changes only between graphs
  std::unique_ptr<telemetry::PrometheusServer> metrics_server_;

  std::mutex mu_;  // guards stop_requested_ and fatal_
  std::condition_variable cv_;
  bool stop_requested_ = false;
  absl::Status fatal_;
};

}  // namespace ocelot::service
