// service::telemetry::metrics: serves the registry as Prometheus text on GET /metrics at the
// configured address (otelcol's localhost:8888), on the collector's shared io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "net/http_server.h"
#include "telemetry/metrics.h"

namespace ocelot::telemetry {

inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// The answer for one request: /metrics (GET or HEAD) gets the text, anything else 404 or 405.
net::HttpResponse HandleMetricsRequest(const MetricsRegistry& registry,
                                       const net::HttpRequest& request);

class PrometheusServer {
 public:
  // Binds `endpoint`; the registry must outlive the server.
  static absl::StatusOr<std::unique_ptr<PrometheusServer>> Start(boost::asio::io_context& io,
                                                                 const std::string& endpoint,
                                                                 const MetricsRegistry* registry);
  uint16_t port() const { return server_->port(); }
  void Stop() { server_->Stop(); }

 private:
  explicit PrometheusServer(std::unique_ptr<net::HttpServer> server) : server_(std::move(server)) {}
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace ocelot::telemetry
