// The floor: the least an OTLP/gRPC trace receiver can do with the same libraries (grpc++ 1.51,
// protobuf 3.21 with a per-call arena, glibc malloc tuned as ocelot tunes it): receive, decode,
// count, discard. Ocelot's throughput as a fraction of this sink's, measured in the same run, is
// the figure that survives noisy machines. Prints the spans it received when it gets
// SIGTERM/SIGINT.
//   floor_sink [HOST:PORT] [--grpcpp [--pollers N] | --callback | --delay-ms N]
// By default it serves with ocelot's nghttp2 gRPC server (net::GrpcServer) on one I/O thread,
// as ocelot's otlp receiver does. --grpcpp serves with grpc++'s completion-queue API instead:
// one thread polls a queue and answers inline (--pollers N: N threads, each with its own
// queue), ocelot's receiver with OCELOT_GRPC_SERVER=grpc++. --callback uses gRPC's callback API
// instead (two "nexting" threads hand each call between them: ~2x the CPU per request at low
// rates on this project's VMs). --delay-ms N (callback API) answers each request N ms after it
// arrived (a slow backend for the memory_limiter load test, bench/memory_limiter.sh); the delay
// holds no thread, so any number of requests can wait at once.
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/message_allocator.h>
#include <malloc.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/grpc_server.h"
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
  // The block sizes ocelot's chunks use (pdata::Chunk): with the defaults (256 B to 8 KiB
  // blocks) a 300 KB request costs ~40 block allocations and the "floor" was slower than
  // ocelot itself.
  static google::protobuf::ArenaOptions Options() {
    google::protobuf::ArenaOptions o;
    o.start_block_size = 4096;
    o.max_block_size = 256 * 1024;
    return o;
  }
  google::protobuf::Arena arena_{Options()};
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

// Finishes reactors a fixed delay after they were handed in, on its own thread. One delay for
// all, so the queue is in deadline order and a deque will do.
class DelayedFinisher {
 public:
  explicit DelayedFinisher(std::chrono::milliseconds delay)
      : delay_(delay), thread_([this] { Run(); }) {}
  ~DelayedFinisher() {
    Stop();
    thread_.join();
  }
  // From now on every request is answered at once, the waiting ones included, so the server
  // can shut down.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }
  void Add(grpc::ServerUnaryReactor* reactor) {
    {
      std::lock_guard lock(mu_);
      if (!stop_) {
        waiting_.push_back({std::chrono::steady_clock::now() + delay_, reactor});
        cv_.notify_one();
        return;
      }
    }
    reactor->Finish(grpc::Status::OK);
  }

 private:
  struct Entry {
    std::chrono::steady_clock::time_point due;
    grpc::ServerUnaryReactor* reactor;
  };
  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (waiting_.empty()) {
        if (stop_) return;
        cv_.wait(lock);
        continue;
      }
      if (!stop_ && std::chrono::steady_clock::now() < waiting_.front().due) {
        cv_.wait_until(lock, waiting_.front().due);
        continue;
      }
      auto* reactor = waiting_.front().reactor;
      waiting_.pop_front();
      lock.unlock();
      reactor->Finish(grpc::Status::OK);
      lock.lock();
    }
  }

  const std::chrono::milliseconds delay_;
  std::mutex mu_;  // guards waiting_, stop_
  std::condition_variable cv_;
  std::deque<Entry> waiting_;
  bool stop_ = false;
  std::thread thread_;
};

class Sink final : public tsvc::TraceService::CallbackService {
 public:
  explicit Sink(DelayedFinisher* delayed) : delayed_(delayed) {
    SetMessageAllocatorFor_Export(&allocator_);
  }
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* ctx,
                                   const tsvc::ExportTraceServiceRequest* req,
                                   tsvc::ExportTraceServiceResponse*) override {
    uint64_t n = 0;
    for (const auto& rs : req->resource_spans()) {
      for (const auto& ss : rs.scope_spans()) n += ss.spans_size();
    }
    spans.fetch_add(n, std::memory_order_relaxed);
    auto* reactor = ctx->DefaultReactor();
    if (delayed_ != nullptr) {
      delayed_->Add(reactor);
    } else {
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }

 private:
  DelayedFinisher* const delayed_;  // null: no delay
  Allocator allocator_;
};

// The completion-queue API: `threads` threads, each polling its own completion queue
// and answering inline, so a request costs one wake-up of one thread (the callback API hands
// each call between its two "nexting" threads).
class AsyncSink {
 public:
  AsyncSink(grpc::ServerBuilder& builder, int threads) {
    builder.RegisterService(&service_);
    for (int i = 0; i < threads; ++i) queues_.push_back(builder.AddCompletionQueue());
  }
  void Run() {
    for (auto& cq : queues_) {
      for (int i = 0; i < 16; ++i) new Call(&service_, cq.get());
      threads_.emplace_back([q = cq.get()] { Poll(q); });
    }
  }
  void Stop() {
    for (auto& cq : queues_) cq->Shutdown();
    for (auto& t : threads_) t.join();
  }

 private:
  struct Call {
    Call(tsvc::TraceService::AsyncService* s, grpc::ServerCompletionQueue* cq)
        : service(s), queue(cq), arena(ArenaOptions()), responder(&ctx) {
      request = google::protobuf::Arena::CreateMessage<tsvc::ExportTraceServiceRequest>(&arena);
      service->RequestExport(&ctx, request, &responder, queue, queue, this);
    }
    static google::protobuf::ArenaOptions ArenaOptions() {
      google::protobuf::ArenaOptions o;
      o.start_block_size = 4096;
      o.max_block_size = 256 * 1024;
      return o;
    }
    tsvc::TraceService::AsyncService* service;
    grpc::ServerCompletionQueue* queue;
    google::protobuf::Arena arena;
    grpc::ServerContext ctx;
    tsvc::ExportTraceServiceRequest* request;
    tsvc::ExportTraceServiceResponse response;
    grpc::ServerAsyncResponseWriter<tsvc::ExportTraceServiceResponse> responder;
    bool finishing = false;
  };
  static void Poll(grpc::ServerCompletionQueue* cq) {
    void* tag;
    bool ok;
    while (cq->Next(&tag, &ok)) {
      auto* call = static_cast<Call*>(tag);
      if (!ok || call->finishing) {
        delete call;
        continue;
      }
      new Call(call->service, cq);
      uint64_t n = 0;
      for (const auto& rs : call->request->resource_spans()) {
        for (const auto& ss : rs.scope_spans()) n += ss.spans_size();
      }
      spans.fetch_add(n, std::memory_order_relaxed);
      call->finishing = true;
      call->responder.Finish(call->response, grpc::Status::OK, call);
    }
  }
  tsvc::TraceService::AsyncService service_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> threads_;
};

// The nghttp2 server on one I/O thread: decode into an arena, count, answer.
int ServeWithNghttp2(const std::string& endpoint, const sigset_t& signals) {
  boost::asio::io_context io(1);
  ocelot::net::GrpcServerOptions options;
  options.endpoint = endpoint;
  options.max_recv_msg_bytes = 64 << 20;
  auto server = ocelot::net::GrpcServer::Start(io, options, [](const ocelot::net::GrpcCall& call) {
    google::protobuf::ArenaOptions o;
    o.start_block_size = 4096;
    o.max_block_size = 256 * 1024;
    google::protobuf::Arena arena(o);
    auto* request = google::protobuf::Arena::CreateMessage<tsvc::ExportTraceServiceRequest>(&arena);
    if (!request->ParseFromArray(call.message.data(), static_cast<int>(call.message.size()))) {
      return ocelot::net::GrpcReply{ocelot::net::GrpcCode::kInvalidArgument, "bad request", {}};
    }
    uint64_t n = 0;
    for (const auto& rs : request->resource_spans()) {
      for (const auto& ss : rs.scope_spans()) n += ss.spans_size();
    }
    spans.fetch_add(n, std::memory_order_relaxed);
    return ocelot::net::GrpcReply{};
  });
  if (!server.ok()) {
    std::fprintf(stderr, "floor_sink: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  auto work = boost::asio::make_work_guard(io);
  std::thread thread([&io] { io.run(); });
  std::fprintf(stderr, "floor_sink (nghttp2) listening on %s\n", endpoint.c_str());
  int sig = 0;
  sigwait(&signals, &sig);
  (*server)->Stop();
  work.reset();
  io.stop();
  thread.join();
  std::printf("%llu\n", static_cast<unsigned long long>(spans.load()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint = "127.0.0.1:4317";
  int delay_ms = 0;
  int pollers = 1;
  bool callback = false;
  bool grpcpp = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--delay-ms" && i + 1 < argc) {
      delay_ms = std::atoi(argv[++i]);
    } else if (a == "--pollers" && i + 1 < argc) {
      pollers = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--grpcpp") {
      grpcpp = true;
    } else if (a == "--callback") {
      callback = true;
    } else if (a.rfind("--", 0) == 0) {
      std::fprintf(
          stderr,
          "usage: floor_sink [HOST:PORT] [--grpcpp [--pollers N] | --callback | --delay-ms N]\n");
      return 2;
    } else {
      endpoint = a;
    }
  }
  // As ocelot's main(): arena blocks stay on the heap instead of being mapped and trimmed per
  // request (src/cmd/ocelot/main.cc).
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  if (!grpcpp && !callback && delay_ms == 0) return ServeWithNghttp2(endpoint, set);
  std::unique_ptr<DelayedFinisher> delayed;
  if (delay_ms > 0)
    delayed = std::make_unique<DelayedFinisher>(std::chrono::milliseconds(delay_ms));
  Sink sink(delayed.get());
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.AddListeningPort(endpoint, grpc::InsecureServerCredentials());
  std::unique_ptr<AsyncSink> async;
  if (!callback && delay_ms == 0) {
    async = std::make_unique<AsyncSink>(builder, pollers);
  } else {
    builder.RegisterService(&sink);
  }
  auto server = builder.BuildAndStart();
  if (async && server) async->Run();
  if (!server) {
    std::fprintf(stderr, "floor_sink: cannot listen on %s\n", endpoint.c_str());
    return 1;
  }
  std::fprintf(stderr, "floor_sink listening on %s (delay %d ms)\n", endpoint.c_str(), delay_ms);
  int sig = 0;
  sigwait(&set, &sig);
  if (delayed) delayed->Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  delayed.reset();
  if (async) async->Stop();
  std::printf("%llu\n", static_cast<unsigned long long>(spans.load()));
  return 0;
}
