// The OTLP/gRPC side of the otlp receiver: the three collector services on one grpc++ server.
// Requests are decoded by gRPC straight into a pipeline chunk's arena (a custom message
// allocator), and that chunk is handed on without a copy.
//
// Threads: Export handlers run on gRPC's callback threads and call the pipeline synchronously,
// so back-pressure from the pipeline (a retryable error) reaches the client as UNAVAILABLE.
#pragma once

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "component/component.h"
#include "receiver/otlp/config.h"
#include "telemetry/obsreport.h"

namespace ocelot::receiver::otlp {

class GrpcServer {
 public:
  // `telemetry` (borrowed, may be null) counts accepted and refused items.
  GrpcServer(GrpcConfig config, component::NextConsumers next,
             telemetry::ReceiverTelemetry* telemetry = nullptr);
  ~GrpcServer();

  // Binds and starts serving. A busy port fails with "listen on <endpoint>: ...".
  absl::Status Start();
  // Stops accepting, waits for in-flight calls (each has been handed to the pipeline).
  void Shutdown();
  int port() const { return port_; }

 private:
  struct Services;
  GrpcConfig config_;
  component::NextConsumers next_;
  telemetry::ReceiverTelemetry* telemetry_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace ocelot::receiver::otlp
