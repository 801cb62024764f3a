// The otlp receiver: OTLP over gRPC and over HTTP (protobuf or JSON), as configured. One
// instance serves every pipeline that lists it.
#pragma once

#include <memory>

#include "component/component.h"
#include "receiver/otlp/config.h"
#include "telemetry/obsreport.h"

namespace ocelot::net {
class HttpServer;
}

namespace ocelot::receiver::otlp {

class GrpcServer;
class HttpHandler;

class OtlpReceiver final : public component::Component {
 public:
  // `metrics` (may be null) receives otelcol's receiver metrics under `id`.
  OtlpReceiver(const Config& config, component::NextConsumers next,
               telemetry::MetricsRegistry* metrics = nullptr, const std::string& id = "otlp");
  ~OtlpReceiver() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;

  // Bound ports (useful when the config asked for port 0); 0 when the protocol is off.
  int grpc_port() const;
  int http_port() const;

 private:
  const Config config_;
  const component::NextConsumers next_;
  telemetry::ReceiverTelemetry grpc_telemetry_;
  telemetry::ReceiverTelemetry http_telemetry_;
  std::unique_ptr<GrpcServer> grpc_;
  std::unique_ptr<HttpHandler> http_handler_;
  std::unique_ptr<net::HttpServer> http_;
};

}  // namespace ocelot::receiver::otlp
