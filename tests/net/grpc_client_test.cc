// net::GrpcClient against grpc++ 1.51's server, a real gRPC implementation, and against
// ocelot's own nghttp2 server: answers, errors with details, compression, deadlines, a server
// that goes away and comes back, concurrent callers.
#include "net/grpc_client.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "net/http_server.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

namespace ocelot::net {
namespace {

namespace tsvc = opentelemetry::proto::collector::trace::v1;
using Clock = std::chrono::steady_clock;

// A grpc++ trace service that records requests and answers as scripted.
class Backend final : public tsvc::TraceService::Service {
 public:
  grpc::Status Export(grpc::ServerContext* ctx, const tsvc::ExportTraceServiceRequest* request,
                      tsvc::ExportTraceServiceResponse* response) override {
    calls.fetch_add(1);
    for (const auto& [k, v] : ctx->client_metadata()) {
      if (k == "x-tenant") tenant = std::string(v.data(), v.size());
    }
    spans.fetch_add(request->resource_spans_size() > 0
                        ? request->resource_spans(0).scope_spans(0).spans_size()
                        : 0);
    {
      std::unique_lock lock(mu);
      held.wait_for(lock, std::chrono::seconds(5), [&] { return !hold; });
    }
    if (!answer.ok()) return answer;
    if (rejected > 0) response->mutable_partial_success()->set_rejected_spans(rejected);
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
  std::atomic<int> spans{0};
  std::string tenant;
  grpc::Status answer = grpc::Status::OK;
  int64_t rejected = 0;
  // While set, calls wait (a slow backend) until Release or 5 s.
  void Hold() {
    std::lock_guard lock(mu);
    hold = true;
  }
  void Release() {
    {
      std::lock_guard lock(mu);
      hold = false;
    }
    held.notify_all();
  }
  std::mutex mu;
  std::condition_variable held;
  bool hold = false;
};

class GrpcClientTest : public ::testing::Test {
 protected:
  void StartBackend(int port = 0) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&backend_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port_, 0);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }
  GrpcClientOptions Options(bool gzip = false) {
    GrpcClientOptions o;
    o.host = "127.0.0.1";
    o.port = static_cast<uint16_t>(port_);
    o.gzip = gzip;
    return o;
  }
  static std::string Request(int spans) {
    tsvc::ExportTraceServiceRequest r;
    auto* ss = r.add_resource_spans()->add_scope_spans();
    for (int i = 0; i < spans; ++i) ss->add_spans()->set_name("span " + std::to_string(i));
    return r.SerializeAsString();
  }
  static constexpr char kMethod[] = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
  static Clock::time_point In(std::chrono::milliseconds d) { return Clock::now() + d; }

  Backend backend_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(GrpcClientTest, CallsReachGrpcServerWithMetadataAndReuseTheConnection) {
  StartBackend();
  GrpcClient client(Options());
  for (int i = 0; i < 3; ++i) {
    GrpcClientReply r =
        client.Call(kMethod, {{"x-tenant", "acme"}}, Request(5), In(std::chrono::seconds(10)));
    ASSERT_EQ(r.code, 0) << r.message;
  }
  EXPECT_EQ(backend_.calls.load(), 3);
  EXPECT_EQ(backend_.spans.load(), 15);
  EXPECT_EQ(backend_.tenant, "acme");
}

TEST_F(GrpcClientTest, GzipRequestsAreDecodedByGrpc) {
  StartBackend();
  GrpcClient client(Options(/*gzip=*/true));
  GrpcClientReply r = client.Call(kMethod, {}, Request(100), In(std::chrono::seconds(10)));
  ASSERT_EQ(r.code, 0) << r.message;
  EXPECT_EQ(backend_.spans.load(), 100);
  // A server that refuses gzip shows the request really was compressed.
  Backend strict;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, false);
  builder.RegisterService(&strict);
  auto server = builder.BuildAndStart();
  GrpcClientOptions o = Options(/*gzip=*/true);
  o.port = static_cast<uint16_t>(port);
  r = GrpcClient(o).Call(kMethod, {}, Request(1), In(std::chrono::seconds(10)));
  EXPECT_EQ(r.code, static_cast<int>(grpc::StatusCode::UNIMPLEMENTED)) << r.message;
  EXPECT_NE(r.message.find("gzip"), std::string::npos) << r.message;
  server->Shutdown(std::chrono::system_clock::now());
}

TEST_F(GrpcClientTest, ErrorsCarryCodeMessageAndDetails) {
  StartBackend();
  backend_.answer = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow down: 100% full",
                                 std::string("\x08\x08\x12\x03xyz", 7));
  GrpcClient client(Options());
  GrpcClientReply r = client.Call(kMethod, {}, Request(1), In(std::chrono::seconds(10)));
  EXPECT_EQ(r.code, static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(r.message, "slow down: 100% full");
  EXPECT_EQ(r.details, std::string("\x08\x08\x12\x03xyz", 7));
}

TEST_F(GrpcClientTest, PartialSuccessBodyIsReturned) {
  StartBackend();
  backend_.rejected = 7;
  GrpcClient client(Options());
  GrpcClientReply r = client.Call(kMethod, {}, Request(1), In(std::chrono::seconds(10)));
  ASSERT_EQ(r.code, 0) << r.message;
  tsvc::ExportTraceServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(r.body));
  EXPECT_EQ(response.partial_success().rejected_spans(), 7);
}

TEST_F(GrpcClientTest, NoServerIsUnavailableAndALateOneIsReached) {
  StartBackend();
  const int port = port_;
  server_->Shutdown(std::chrono::system_clock::now());
  server_.reset();
  GrpcClient client(Options());
  GrpcClientReply r = client.Call(kMethod, {}, Request(1), In(std::chrono::seconds(10)));
  EXPECT_EQ(r.code, 14) << r.message;
  EXPECT_NE(r.message.find("connect"), std::string::npos) << r.message;
  StartBackend(port);
  r = client.Call(kMethod, {}, Request(1), In(std::chrono::seconds(10)));
  EXPECT_EQ(r.code, 0) << r.message;
}

TEST_F(GrpcClientTest, AServerRestartBetweenCallsIsSurvived) {
  StartBackend();
  const int port = port_;
  GrpcClient client(Options());
  ASSERT_EQ(client.Call(kMethod, {}, Request(1), In(std::chrono::seconds(10))).code, 0);
  server_->Shutdown(std::chrono::system_clock::now());  // the pooled connection dies
  server_.reset();
  StartBackend(port);
  GrpcClientReply r = client.Call(kMethod, {}, Request(1), In(std::chrono::seconds(10)));
  EXPECT_EQ(r.code, 0) << r.message;
}

TEST_F(GrpcClientTest, ADeadlineCancelsTheCall) {
  StartBackend();
  backend_.Hold();
  GrpcClient client(Options());
  GrpcClientReply r = client.Call(kMethod, {}, Request(1), In(std::chrono::milliseconds(200)));
  EXPECT_EQ(r.code, 4) << r.message;
  backend_.Release();
  // The cancelled call's connection is still good for the next one.
  EXPECT_EQ(client.Call(kMethod, {}, Request(1), In(std::chrono::seconds(10))).code, 0);
}

TEST_F(GrpcClientTest, AnHttp1ServerIsNamedInTheError) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread thread([&io] { io.run(); });
  HttpServerOptions options;
  options.endpoint = "127.0.0.1:0";
  auto http = HttpServer::Start(io, options, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(http.ok());
  GrpcClientOptions o;
  o.host = "127.0.0.1";
  o.port = (*http)->port();
  GrpcClientReply r = GrpcClient(o).Call(kMethod, {}, Request(1), In(std::chrono::seconds(10)));
  EXPECT_EQ(r.code, 14);
  EXPECT_NE(r.message.find("OTLP/HTTP endpoint"), std::string::npos) << r.message;
  (*http)->Stop();
  work.reset();
  io.stop();
  thread.join();
}

TEST_F(GrpcClientTest, ConcurrentCallersEachGetTheirAnswer) {
  StartBackend();
  GrpcClient client(Options());
  std::atomic<int> ok{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (client.Call(kMethod, {}, Request(3), In(std::chrono::seconds(10))).code == 0) ++ok;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(backend_.spans.load(), 120);
}

}  // namespace
}  // namespace ocelot::net
