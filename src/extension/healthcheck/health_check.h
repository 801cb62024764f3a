// The health_check extension: an HTTP endpoint for liveness and readiness probes. 200 with
// {"status":"Server available","upSince":...,"uptime":...} (otelcol's body) while the collector
// runs; 503 with "Server not available" and a "reason" while it starts or stops, or (with
// check_collector_pipeline) while an exporter keeps failing.
//
// Threads: OnCollectorStatus runs on the service's thread, Handle on the I/O pool; the state
// they share is behind one mutex.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "component/component.h"
#include "extension/healthcheck/config.h"
#include "net/http_server.h"

namespace ocelot::extension::healthcheck {

class HealthCheck final : public component::Component, public component::StatusWatcher {
 public:
  // `metrics` (may be null) is where exporters report their sends (for check_collector_pipeline).
  HealthCheck(const Config& config, std::shared_ptr<spdlog::logger> logger,
              telemetry::MetricsRegistry* metrics);
  ~HealthCheck() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;
  void OnCollectorStatus(component::CollectorStatus status) override;

  net::HttpResponse Handle(const net::HttpRequest& request) const;
  int port() const;

 private:
  // Why the collector is not healthy now, or "" when it is.
  std::string ExporterProblem() const;

  const Config config_;
  std::shared_ptr<spdlog::logger> logger_;
  telemetry::MetricsRegistry* const metrics_;
  std::unique_ptr<net::HttpServer> server_;

  mutable std::mutex mu_;  // guards status_ and up_since_
  component::CollectorStatus status_ = component::CollectorStatus::kStarting;
  std::chrono::system_clock::time_point up_since_;
};

// Go's time.Duration.String(): "1m2.5s", "350ms", "0s".
std::string GoDuration(std::chrono::nanoseconds d);
// Go's time.Time JSON (RFC 3339 with nanoseconds, trailing zeros trimmed), in UTC.
std::string GoTime(std::chrono::system_clock::time_point t);

}  // namespace ocelot::extension::healthcheck
