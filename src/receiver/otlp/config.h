// otlp receiver options, as otelcol 0.96's otlpreceiver (endpoints default to localhost, the
// safer default of newer collectors).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "component/factory.h"

namespace ocelot::receiver::otlp {

struct GrpcConfig {
  std::string endpoint = "localhost:4317";
  std::string transport = "tcp";
  int max_recv_msg_size_mib = 4;
  uint32_t max_concurrent_streams = 0;  // 0: gRPC's default
  bool include_metadata = false;
  // Completion-queue pollers; 0: GrpcServer::DefaultPollers() (OCELOT_GRPC_POLLERS, else one
  // per four cores). Not an otelcol key: set by tests and the environment only.
  int pollers = 0;
  // "nghttp2" or "grpc++"; empty: OCELOT_GRPC_SERVER, else nghttp2. Not an otelcol key.
  std::string server;
};

struct HttpConfig {
  std::string endpoint = "localhost:4318";
  std::string traces_url_path = "/v1/traces";
  std::string metrics_url_path = "/v1/metrics";
  std::string logs_url_path = "/v1/logs";
  int64_t max_request_body_size = 20 * 1024 * 1024;
  bool include_metadata = false;
  std::map<std::string, std::string> response_headers;
};

struct Config final : component::Config {
  std::optional<GrpcConfig> grpc;
  std::optional<HttpConfig> http;

  void Decode(config::MapDecoder& d) override;
  void Validate(config::MapDecoder& d) const override;
  std::vector<std::string> Summary() const override;
};

}  // namespace ocelot::receiver::otlp
