// otlp exporter options, as otelcol 0.96's otlpexporter: configgrpc.ClientConfig (endpoint,
// compression, tls, keepalive, headers, balancer_name, authority, wait_for_ready, buffer
// sizes) plus the exporter helper's timeout, retry_on_failure and sending_queue.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "component/factory.h"
#include "exporterhelper/client_tls.h"
#include "exporterhelper/settings.h"

namespace ocelot::exporter::otlp {

struct KeepaliveConfig {
  config::Duration time{0};     // 0: gRPC's default
  config::Duration timeout{0};  // 0: gRPC's default
  bool permit_without_stream = false;
};

struct Config final : component::Config {
  exporterhelper::Settings helper;
  std::string endpoint;              // host:port, or a gRPC target (dns:///host:port)
  std::string compression = "gzip";  // gzip, none ("" too)
  exporterhelper::ClientTlsSettings tls;
  std::optional<KeepaliveConfig> keepalive;
  int64_t read_buffer_size = 0;            // accepted; grpc++ sizes its own buffers
  int64_t write_buffer_size = 512 * 1024;  // accepted; grpc++ sizes its own buffers
  bool wait_for_ready = false;
  std::map<std::string, std::string> headers;  // sent as metadata on every call
  std::string balancer_name;                   // pick_first (gRPC's default) or round_robin
  std::string authority;

  void Decode(config::MapDecoder& d) override;
  void Validate(config::MapDecoder& d) const override;
  std::vector<std::string> Summary() const override;

  // The endpoint without an http:// or https:// prefix, as configgrpc dials it.
  std::string SanitizedEndpoint() const;
  // Whether the channel uses TLS, as configgrpc decides: unless tls::insecure is set without a
  // CA, or always with an https:// endpoint.
  bool UsesTls() const {
    return !tls.insecure || tls.has_ca() || endpoint.rfind("https://", 0) == 0;
  }
};

}  // namespace ocelot::exporter::otlp
