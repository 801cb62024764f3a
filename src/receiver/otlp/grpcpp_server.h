// The otlp receiver's OTLP/gRPC side on gRPC's own server (grpc++ 1.51), the alternative to
// the nghttp2 server (grpc_server.h) chosen with OCELOT_GRPC_SERVER=grpc++: the three collector
// services on one grpc++ server.
// Requests are decoded by gRPC straight into a pipeline chunk's arena (a custom message
// allocator), and that chunk is handed on without a copy.
//
// Threads: `pollers` threads, each with its own completion queue (gRPC's async API), handle
// calls inline and call the pipeline synchronously, so back-pressure from the pipeline (a
// retryable error) reaches the client as UNAVAILABLE. Inline handling is what keeps a request
// to one thread wake-up: the callback API hands every call between two threads, which on this
// project's VMs doubled the CPU per request (bench/README.md).
#pragma once

#include <grpcpp/server.h>
#include <grpcpp/server_context.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "component/component.h"
#include "receiver/otlp/config.h"
#include "telemetry/obsreport.h"

namespace ocelot::receiver::otlp {

class GrpcppServer {
 public:
  // `telemetry` (borrowed, may be null) counts accepted and refused items.
  GrpcppServer(GrpcConfig config, component::NextConsumers next,
               telemetry::ReceiverTelemetry* telemetry = nullptr);
  ~GrpcppServer();

  // Binds and starts serving. A busy port fails with "listen on <endpoint>: ...".
  absl::Status Start();
  // Stops accepting, waits for in-flight calls (each has been handed to the pipeline).
  void Shutdown();
  int port() const { return port_; }

  class Call;

 private:
  struct Services;
  static int DefaultPollers();
  static void Drain(grpc::ServerCompletionQueue* queue);
  GrpcConfig config_;
  component::NextConsumers next_;
  telemetry::ReceiverTelemetry* telemetry_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> pollers_;
  std::mutex post_mu_;  // guards stopping_ against requests posted to a shut-down queue
  bool stopping_ = false;
  std::function<void(std::function<void()>)> repost_;  // posts a request unless stopping
};

}  // namespace ocelot::receiver::otlp
