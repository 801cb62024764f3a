// The floor: the least an OTLP/gRPC trace receiver can do with the same libraries (grpc++ 1.51
// callback API, protobuf 3.21 with a per-call arena): receive, decode, count, discard. Ocelot's
// throughput as a fraction of this sink's, measured in the same run, is the figure that
// survives noisy machines. Prints the spans it received when it gets SIGTERM/SIGINT.
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/message_allocator.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

namespace {

namespace tsvc = opentelemetry::proto::collector::trace::v1;

class ArenaHolder final : public grpc::MessageHolder<tsvc::ExportTraceServiceRequest,
                                                     tsvc::ExportTraceServiceResponse> {
 public:
  ArenaHolder() {
    set_request(google::protobuf::Arena::CreateMessage<tsvc::ExportTraceServiceRequest>(&arena_));
    set_response(google::protobuf::Arena::CreateMessage<tsvc::ExportTraceServiceResponse>(&arena_));
  }
  void Release() override { delete this; }

 private:
  google::protobuf::Arena arena_;
};

class Allocator final : public grpc::MessageAllocator<tsvc::ExportTraceServiceRequest,
                                                      tsvc::ExportTraceServiceResponse> {
 public:
  grpc::MessageHolder<tsvc::ExportTraceServiceRequest, tsvc::ExportTraceServiceResponse>*
  AllocateMessages() override {
    return new ArenaHolder();
  }
};

std::atomic<uint64_t> spans{0};

class Sink final : public tsvc::TraceService::CallbackService {
 public:
  Sink() { SetMessageAllocatorFor_Export(&allocator_); }
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* ctx,
                                   const tsvc::ExportTraceServiceRequest* req,
                                   tsvc::ExportTraceServiceResponse*) override {
    uint64_t n = 0;
    for (const auto& rs : req->resource_spans()) {
      for (const auto& ss : rs.scope_spans()) n += ss.spans_size();
    }
    spans.fetch_add(n, std::memory_order_relaxed);
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  Allocator allocator_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint = argc > 1 ? argv[1] : "127.0.0.1:4317";
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Sink sink;
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.AddListeningPort(endpoint, grpc::InsecureServerCredentials());
  builder.RegisterService(&sink);
  auto server = builder.BuildAndStart();
  if (!server) {
    std::fprintf(stderr, "floor_sink: cannot listen on %s\n", endpoint.c_str());
    return 1;
  }
  std::fprintf(stderr, "floor_sink listening on %s\n", endpoint.c_str());
  int sig = 0;
  sigwait(&set, &sig);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  std::printf("%llu\n", static_cast<unsigned long long>(spans.load()));
  return 0;
}
