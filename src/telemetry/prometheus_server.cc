#include "telemetry/prometheus_server.h"

namespace ocelot::telemetry {

net::HttpResponse HandleMetricsRequest(const MetricsRegistry& registry,
                                       const net::HttpRequest& request) {
  net::HttpResponse r;
  if (request.path != "/metrics") {
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "404 page not found: the collector's metrics are at /metrics\n";
    return r;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    r.status = 405;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "405 method not allowed, supported: [GET]\n";
    r.headers.emplace_back("Allow", "GET");
    return r;
  }
  r.content_type = kPrometheusContentType;
  r.body = registry.PrometheusText();
  return r;
}

absl::StatusOr<std::unique_ptr<PrometheusServer>> PrometheusServer::Start(
    boost::asio::io_context& io, const std::string& endpoint, const MetricsRegistry* registry) {
  net::HttpServerOptions options;
  options.endpoint = endpoint;
  options.max_request_body_bytes = 64 << 10;  // scrapes have no body
  auto server = net::HttpServer::Start(io, options, [registry](const net::HttpRequest& request) {
    return HandleMetricsRequest(*registry, request);
  });
  if (!server.ok()) return server.status();
  return std::unique_ptr<PrometheusServer>(new PrometheusServer(*std::move(server)));
}

}  // namespace ocelot::telemetry
