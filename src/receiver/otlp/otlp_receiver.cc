#include "receiver/otlp/otlp_receiver.h"

#include "net/http_server.h"
#include "receiver/otlp/grpc_server.h"
#include "receiver/otlp/http_handler.h"

namespace ocelot::receiver::otlp {

OtlpReceiver::OtlpReceiver(const Config& config, component::NextConsumers next,
                           telemetry::MetricsRegistry* metrics, const std::string& id)
    : config_(config),
      next_(next),
      grpc_telemetry_(metrics, id, "grpc"),
      http_telemetry_(metrics, id, "http") {}

OtlpReceiver::~OtlpReceiver() { Shutdown(); }

absl::Status OtlpReceiver::Start(component::Host& host) {
  if (config_.grpc) {
    grpc_ = std::make_unique<GrpcServer>(*config_.grpc, next_, &grpc_telemetry_);
    if (absl::Status s = grpc_->Start(); !s.ok()) {
      grpc_.reset();
      return s;
    }
  }
  if (config_.http) {
    HttpPaths paths{config_.http->traces_url_path, config_.http->metrics_url_path,
                    config_.http->logs_url_path, config_.http->include_metadata};
    http_handler_ = std::make_unique<HttpHandler>(paths, next_, &http_telemetry_);
    net::HttpServerOptions options;
    options.endpoint = config_.http->endpoint;
    options.max_request_body_bytes = static_cast<size_t>(config_.http->max_request_body_size);
    // Errors the server answers by itself (bad encoding, 413) use OTLP's google.rpc.Status.
    options.error_formatter = &HttpHandler::ErrorResponse;
    auto headers = config_.http->response_headers;
    HttpHandler* handler = http_handler_.get();
    auto server = net::HttpServer::Start(host.io_context(), options,
                                         [handler, headers](const net::HttpRequest& request) {
                                           net::HttpResponse response = handler->Handle(request);
                                           for (const auto& [k, v] : headers)
                                             response.headers.emplace_back(k, v);
                                           return response;
                                         });
    if (!server.ok()) {
      Shutdown();  // nothing half-started stays behind
      return server.status();
    }
    http_ = *std::move(server);
  }
  return absl::OkStatus();
}

void OtlpReceiver::Shutdown() {
  if (http_) {
    http_->Stop();
    http_.reset();
  }
  if (grpc_) {
    grpc_->Shutdown();
    grpc_.reset();
  }
}

int OtlpReceiver::grpc_port() const { return grpc_ ? grpc_->port() : 0; }
int OtlpReceiver::http_port() const { return http_ ? http_->port() : 0; }

}  // namespace ocelot::receiver::otlp
