#include "receiver/otlp/grpcpp_server.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "receiver/otlp/grpc_server.h"

namespace ocelot::receiver::otlp {
namespace {

namespace collector = opentelemetry::proto::collector;

grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(GrpcCodeFor(s)), std::string(s.message()));
}

}  // namespace

// One call of one collector service, from the request gRPC is asked to match to its answer.
// The request is decoded by gRPC straight into a fresh pipeline chunk's arena.
class GrpcppServer::Call {
 public:
  virtual ~Call() = default;
  // `ok` is the completion queue's verdict on the step the call was waiting for.
  virtual void Proceed(bool ok) = 0;
};

namespace {

template <typename AsyncService, typename Request, typename Response>
class ExportCall final : public GrpcppServer::Call {
 public:
  struct Shared {
    AsyncService service;
    consumer::Consumer<pdata::Batch<Request>>* next;
    telemetry::ReceiverTelemetry* telemetry;
    bool include_metadata;
  };

  // Asks gRPC for the next call of this service on `queue`; `repost` creates the successor.
  ExportCall(Shared* shared, grpc::ServerCompletionQueue* queue,
             std::function<void(std::function<void()>)>* repost)
      : shared_(shared),
        queue_(queue),
        repost_(repost),
        chunk_(std::make_shared<pdata::Chunk<Request>>()),
        responder_(&context_) {
    shared_->service.RequestExport(&context_, &chunk_->message(), &responder_, queue_, queue_,
                                   this);
  }

  void Proceed(bool ok) override {
    if (finishing_ || !ok) {  // answered, or the server is shutting down
      delete this;
      return;
    }
    // Keep a request outstanding on this queue before handling this one.
    (*repost_)([shared = shared_, queue = queue_, repost = repost_] {
      new ExportCall(shared, queue, repost);
    });
    const auto started = telemetry::Clock::now();
    absl::Status s = Deliver(shared_->next, std::move(chunk_),
                             shared_->include_metadata ? &context_.client_metadata() : nullptr,
                             shared_->telemetry, started);
    finishing_ = true;
    responder_.Finish(response_, ToGrpcStatus(s), this);
  }

 private:
  Shared* const shared_;
  grpc::ServerCompletionQueue* const queue_;
  std::function<void(std::function<void()>)>* const repost_;
  grpc::ServerContext context_;
  std::shared_ptr<pdata::Chunk<Request>> chunk_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
  bool finishing_ = false;
};

using TraceCall = ExportCall<collector::trace::v1::TraceService::AsyncService,
                             collector::trace::v1::ExportTraceServiceRequest,
                             collector::trace::v1::ExportTraceServiceResponse>;
using MetricsCall = ExportCall<collector::metrics::v1::MetricsService::AsyncService,
                               collector::metrics::v1::ExportMetricsServiceRequest,
                               collector::metrics::v1::ExportMetricsServiceResponse>;
using LogsCall = ExportCall<collector::logs::v1::LogsService::AsyncService,
                            collector::logs::v1::ExportLogsServiceRequest,
                            collector::logs::v1::ExportLogsServiceResponse>;

// Requests each service keeps outstanding per completion queue: calls beyond these wait inside
// gRPC until one is answered, so this bounds concurrency per queue, not correctness.
constexpr int kOutstandingPerService = 8;

}  // namespace

struct GrpcppServer::Services {
  std::unique_ptr<TraceCall::Shared> traces;
  std::unique_ptr<MetricsCall::Shared> metrics;
  std::unique_ptr<LogsCall::Shared> logs;
};

GrpcppServer::GrpcppServer(GrpcConfig config, component::NextConsumers next,
                           telemetry::ReceiverTelemetry* telemetry)
    : config_(std::move(config)),
      next_(next),
      telemetry_(telemetry),
      services_(std::make_unique<Services>()) {}

GrpcppServer::~GrpcppServer() { Shutdown(); }

absl::Status GrpcppServer::Start() {
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
    services_->traces.reset(
        new TraceCall::Shared{{}, next_.traces, telemetry_, config_.include_metadata});
    builder.RegisterService(&services_->traces->service);
  }
  if (next_.metrics) {
    services_->metrics.reset(
        new MetricsCall::Shared{{}, next_.metrics, telemetry_, config_.include_metadata});
    builder.RegisterService(&services_->metrics->service);
  }
  if (next_.logs) {
    services_->logs.reset(
        new LogsCall::Shared{{}, next_.logs, telemetry_, config_.include_metadata});
    builder.RegisterService(&services_->logs->service);
  }
  const int threads = config_.pollers > 0 ? config_.pollers : DefaultPollers();
  for (int i = 0; i < threads; ++i) queues_.push_back(builder.AddCompletionQueue());
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    server_.reset();
    for (auto& queue : queues_) queue->Shutdown();
    for (auto& queue : queues_) Drain(queue.get());
    queues_.clear();
    return absl::UnavailableError("listen on " + config_.endpoint +
                                  " (gRPC): address already in use or not available");
  }
  repost_ = [this](std::function<void()> post) {
    std::lock_guard lock(post_mu_);
    if (!stopping_) post();
  };
  for (auto& queue : queues_) {
    for (int i = 0; i < kOutstandingPerService; ++i) {
      if (services_->traces) new TraceCall(services_->traces.get(), queue.get(), &repost_);
      if (services_->metrics) new MetricsCall(services_->metrics.get(), queue.get(), &repost_);
      if (services_->logs) new LogsCall(services_->logs.get(), queue.get(), &repost_);
    }
    pollers_.emplace_back([q = queue.get()] { Drain(q); });
  }
  return absl::OkStatus();
}

int GrpcppServer::DefaultPollers() {
  if (const char* env = std::getenv("OCELOT_GRPC_POLLERS")) {
    if (int n = std::atoi(env); n > 0) return n;
  }
  // gRPC 1.51's poller lets one thread wait in epoll at a time and hands that role to another
  // waiting poller on every wake-up, so each extra poller costs a thread switch per request at
  // low rates. On two cores one poller was both the cheapest at 10k spans/s and the fastest
  // flat out (bench/README.md); one per four cores beyond that is a guess, not a measurement.
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 4));
}

void GrpcppServer::Drain(grpc::ServerCompletionQueue* queue) {
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<Call*>(tag)->Proceed(ok);
}

void GrpcppServer::Shutdown() {
  if (!server_) return;
  // Stops accepting and lets in-flight calls finish (the pollers keep answering meanwhile); by
  // the time a call is handled its data is in the pipeline, so the deadline only bounds how long
  // an idle client connection can hold the shutdown up (grpc++ 1.51 waits for connected
  // clients until the deadline).
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  {
    // No call may be requested on a queue once it is shut down.
    std::lock_guard lock(post_mu_);
    stopping_ = true;
  }
  for (auto& queue : queues_) queue->Shutdown();
  for (auto& poller : pollers_) poller.join();
  pollers_.clear();
  server_->Wait();
  server_.reset();
  queues_.clear();
}

}  // namespace ocelot::receiver::otlp
