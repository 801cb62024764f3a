#include "receiver/otlp/grpc_server.h"

#include <cstdlib>

#include "net/grpc_server.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "receiver/otlp/grpcpp_server.h"

namespace ocelot::receiver::otlp {

int GrpcCodeFor(const absl::Status& status) {
  if (status.ok()) return static_cast<int>(net::GrpcCode::kOk);
  if (consumer::IsRetryable(status)) return static_cast<int>(net::GrpcCode::kUnavailable);
  return static_cast<int>(net::GrpcCode::kInvalidArgument);
}

// Routes a call by method to its signal's pipeline.
class GrpcServer::Handler {
 public:
  Handler(component::NextConsumers next, telemetry::ReceiverTelemetry* telemetry,
          bool include_metadata)
      : next_(next), telemetry_(telemetry), include_metadata_(include_metadata) {}

  net::GrpcReply Handle(const net::GrpcCall& call) const {
    if (call.method == "/opentelemetry.proto.collector.trace.v1.TraceService/Export") {
      return Export(next_.traces, call, "TraceService");
    }
    if (call.method == "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export") {
      return Export(next_.metrics, call, "MetricsService");
    }
    if (call.method == "/opentelemetry.proto.collector.logs.v1.LogsService/Export") {
      return Export(next_.logs, call, "LogsService");
    }
    return {net::GrpcCode::kUnimplemented,
            "unknown method " + std::string(call.method) +
                " (ocelot serves the OTLP collector "
                "services' Export)",
            {}};
  }

 private:
  template <typename Request>
  net::GrpcReply Export(consumer::Consumer<pdata::Batch<Request>>* next, const net::GrpcCall& call,
                        const char* service) const {
    // A signal no pipeline routes from this receiver is not served, as gRPC answers a service
    // that was never registered.
    if (next == nullptr) {
      return {net::GrpcCode::kUnimplemented,
              std::string("unknown service opentelemetry.proto.collector.") + service,
              {}};
    }
    const auto started = telemetry::Clock::now();
    auto chunk = std::make_shared<pdata::Chunk<Request>>();
    if (!chunk->message().ParseFromArray(call.message.data(),
                                         static_cast<int>(call.message.size()))) {
      return {net::GrpcCode::kInvalidArgument,
              "grpc: error unmarshalling request: the message is not a valid " +
                  Request::descriptor()->full_name(),
              {}};
    }
    absl::Status s = Deliver(next, std::move(chunk), include_metadata_ ? call.metadata : nullptr,
                             telemetry_, started);
    if (!s.ok()) return {static_cast<net::GrpcCode>(GrpcCodeFor(s)), std::string(s.message()), {}};
    return {};  // an empty Export*ServiceResponse: no partial success to report
  }

  const component::NextConsumers next_;
  telemetry::ReceiverTelemetry* const telemetry_;
  const bool include_metadata_;
};

GrpcServer::GrpcServer(GrpcConfig config, component::NextConsumers next,
                       telemetry::ReceiverTelemetry* telemetry)
    : config_(std::move(config)), next_(next), telemetry_(telemetry) {}

GrpcServer::~GrpcServer() { Shutdown(); }

std::string GrpcServer::implementation() const {
  if (!config_.server.empty()) return config_.server;
  const char* env = std::getenv("OCELOT_GRPC_SERVER");
  return env != nullptr && std::string(env) == "grpc++" ? "grpc++" : "nghttp2";
}

absl::Status GrpcServer::Start() {
  if (implementation() == "grpc++") {
    grpcpp_ = std::make_unique<GrpcppServer>(config_, next_, telemetry_);
    absl::Status s = grpcpp_->Start();
    if (!s.ok()) grpcpp_.reset();
    return s;
  }
  handler_ = std::make_unique<Handler>(next_, telemetry_, config_.include_metadata);
  net::GrpcServerOptions options;
  options.endpoint = config_.endpoint;
  options.max_recv_msg_bytes = static_cast<size_t>(config_.max_recv_msg_size_mib) << 20;
  options.max_concurrent_streams = config_.max_concurrent_streams;
  const Handler* handler = handler_.get();
  io_ = std::make_unique<boost::asio::io_context>(1);
  auto server = net::GrpcServer::Start(
      *io_, options, [handler](const net::GrpcCall& call) { return handler->Handle(call); });
  if (!server.ok()) {
    handler_.reset();
    io_.reset();
    return absl::UnavailableError(std::string(server.status().message()) + " (gRPC)");
  }
  h2_ = *std::move(server);
  work_.emplace(boost::asio::make_work_guard(*io_));
  std::promise<void> ran;
  io_done_ = ran.get_future();
  io_thread_ = std::thread([io = io_.get(), ran = std::move(ran)]() mutable {
    io->run();
    ran.set_value();
  });
  return absl::OkStatus();
}

void GrpcServer::Shutdown() {
  if (h2_) {
    h2_->Stop();
    h2_.reset();
    // Connections got a GOAWAY: the thread ends once they have written it and closed, or
    // after a second for a client that keeps its connection open.
    work_.reset();
    if (io_done_.wait_for(std::chrono::seconds(1)) != std::future_status::ready) io_->stop();
  }
  if (io_thread_.joinable()) io_thread_.join();
  io_.reset();
  if (grpcpp_) {
    grpcpp_->Shutdown();
    grpcpp_.reset();
  }
  handler_.reset();
}

int GrpcServer::port() const {
  if (h2_) return h2_->port();
  return grpcpp_ ? grpcpp_->port() : 0;
}

}  // namespace ocelot::receiver::otlp
