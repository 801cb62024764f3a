#include "receiver/otlp/grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/message_allocator.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

namespace ocelot::receiver::otlp {
namespace {

namespace collector = opentelemetry::proto::collector;

// Owns one call's request (inside a fresh pipeline chunk) and response. The handler takes the
// chunk; gRPC releases the holder when the call completes.
template <typename Request, typename Response>
class ChunkHolder final : public grpc::MessageHolder<Request, Response> {
 public:
  ChunkHolder() : chunk_(std::make_shared<pdata::Chunk<Request>>()) {
    this->set_request(&chunk_->message());
    this->set_response(&response_);
  }
  void Release() override { delete this; }
  std::shared_ptr<pdata::Chunk<Request>> TakeChunk() { return std::move(chunk_); }

 private:
  std::shared_ptr<pdata::Chunk<Request>> chunk_;
  Response response_;
};

template <typename Request, typename Response>
class ChunkAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override {
    return new ChunkHolder<Request, Response>();
  }
};

grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  std::string message(s.message());
  if (consumer::IsRetryable(s)) return grpc::Status(grpc::StatusCode::UNAVAILABLE, message);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

// One collector service (trace, metrics or logs) bound to its pipeline consumer.
template <typename ServiceBase, typename Request, typename Response>
class ExportService final : public ServiceBase {
 public:
  ExportService(consumer::Consumer<pdata::Batch<Request>>* next,
                telemetry::ReceiverTelemetry* telemetry, bool include_metadata)
      : next_(next), telemetry_(telemetry), include_metadata_(include_metadata) {
    this->SetMessageAllocatorFor_Export(&allocator_);
  }

  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context, const Request*,
                                   Response*) override {
    auto* holder = static_cast<ChunkHolder<Request, Response>*>(context->GetRpcAllocatorState());
    const auto started = telemetry::Clock::now();
    auto chunk = holder->TakeChunk();
    if (include_metadata_) {
      auto metadata = std::make_shared<pdata::ClientMetadata>();
      for (const auto& [key, value] : context->client_metadata()) {
        metadata->Add(std::string_view(key.data(), key.size()),
                      std::string_view(value.data(), value.size()));
      }
      chunk->set_metadata(std::move(metadata));
    }
    pdata::Batch<Request> batch(std::move(chunk));
    const int64_t items = static_cast<int64_t>(batch.item_count());
    absl::Status s = next_->Consume(std::move(batch));
    if (telemetry_) telemetry_->Record(telemetry::SignalOf<Request>(), items, s, started);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(s));
    return reactor;
  }

 private:
  consumer::Consumer<pdata::Batch<Request>>* next_;
  telemetry::ReceiverTelemetry* telemetry_;
  const bool include_metadata_;
  ChunkAllocator<Request, Response> allocator_;
};

}  // namespace

struct GrpcServer::Services {
  std::unique_ptr<ExportService<collector::trace::v1::TraceService::CallbackService,
                                collector::trace::v1::ExportTraceServiceRequest,
                                collector::trace::v1::ExportTraceServiceResponse>>
      traces;
  std::unique_ptr<ExportService<collector::metrics::v1::MetricsService::CallbackService,
                                collector::metrics::v1::ExportMetricsServiceRequest,
                                collector::metrics::v1::ExportMetricsServiceResponse>>
      metrics;
  std::unique_ptr<ExportService<collector::logs::v1::LogsService::CallbackService,
                                collector::logs::v1::ExportLogsServiceRequest,
                                collector::logs::v1::ExportLogsServiceResponse>>
      logs;
};

GrpcServer::GrpcServer(GrpcConfig config, component::NextConsumers next,
                       telemetry::ReceiverTelemetry* telemetry)
    : config_(std::move(config)),
      next_(next),
      telemetry_(telemetry),
      services_(std::make_unique<Services>()) {}

GrpcServer::~GrpcServer() { Shutdown(); }

absl::Status GrpcServer::Start() {
  grpc::ServerBuilder builder;
  // Without this, gRPC sets SO_REUSEPORT and a second collector would silently share the port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(config_.max_recv_msg_size_mib * 1024 * 1024);
  if (config_.max_concurrent_streams > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                               static_cast<int>(config_.max_concurrent_streams));
  }
  builder.AddListeningPort(config_.endpoint, grpc::InsecureServerCredentials(), &port_);
  // A signal no pipeline routes from this receiver is not served: clients get UNIMPLEMENTED.
  if (next_.traces) {
    services_->traces = std::make_unique<std::decay_t<decltype(*services_->traces)>>(
        next_.traces, telemetry_, config_.include_metadata);
    builder.RegisterService(services_->traces.get());
  }
  if (next_.metrics) {
    services_->metrics = std::make_unique<std::decay_t<decltype(*services_->metrics)>>(
        next_.metrics, telemetry_, config_.include_metadata);
    builder.RegisterService(services_->metrics.get());
  }
  if (next_.logs) {
    services_->logs = std::make_unique<std::decay_t<decltype(*services_->logs)>>(
        next_.logs, telemetry_, config_.include_metadata);
    builder.RegisterService(services_->logs.get());
  }
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    server_.reset();
    return absl::UnavailableError("listen on " + config_.endpoint +
                                  " (gRPC): address already in use or not available");
  }
  return absl::OkStatus();
}

void GrpcServer::Shutdown() {
  if (!server_) return;
  // Stops accepting and lets in-flight calls finish; by the time a handler runs, its data is
  // in the pipeline, so the deadline only bounds how long an idle client connection can hold
  // the shutdown up (grpc++ 1.51 waits for connected clients until the deadline).
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server_->Wait();
  server_.reset();
}

}  // namespace ocelot::receiver::otlp
