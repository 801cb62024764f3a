// net::GrpcServer (nghttp2) against grpc++ 1.51 clients, a real gRPC implementation: framing,
// compression, size limits, metadata, error texts, protocol garbage and stopping.
#include "net/grpc_server.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <mutex>
#include <thread>

namespace ocelot::net {
namespace {

class GrpcServerTest : public ::testing::Test {
 protected:
  GrpcServerTest() : work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~GrpcServerTest() override {
    server_.reset();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  // Starts a server whose handler records the call and answers with `reply` (the message
  // echoed back when `reply` is OK with an empty body).
  void StartServer(size_t max_recv = 4 << 20) {
    GrpcServerOptions options;
    options.endpoint = "127.0.0.1:0";
    options.max_recv_msg_bytes = max_recv;
    auto server = GrpcServer::Start(io_, options, [this](const GrpcCall& call) {
      std::lock_guard lock(mu_);
      methods_.emplace_back(call.method);
      messages_.emplace_back(call.message);
      metadata_ = *call.metadata;
      GrpcReply reply = reply_;
      if (reply.code == GrpcCode::kOk && reply.body.empty()) reply.body = call.message;
      return reply;
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
  }

  // One unary call with raw bytes; returns the status and fills `response`.
  grpc::Status Call(const std::string& method, const std::string& request, std::string* response,
                    grpc_compression_algorithm compression = GRPC_COMPRESS_NONE,
                    std::vector<std::pair<std::string, std::string>> metadata = {}) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx.set_compression_algorithm(compression);
    for (const auto& [k, v] : metadata) ctx.AddMetadata(k, v);
    grpc::Slice slice(request);
    grpc::ByteBuffer in(&slice, 1), out;
    grpc::CompletionQueue cq;
    auto call = stub.PrepareUnaryCall(&ctx, method, in, &cq);
    call->StartCall();
    grpc::Status status;
    call->Finish(&out, &status, &cq);
    void* tag;
    bool ok;
    cq.Next(&tag, &ok);
    std::vector<grpc::Slice> slices;
    response->clear();
    if (status.ok() && out.Dump(&slices).ok()) {
      for (const auto& s : slices)
        response->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return status;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::mutex mu_;  // guards what the handler records and answers
  std::vector<std::string> methods_;
  std::vector<std::string> messages_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  GrpcReply reply_;
};

TEST_F(GrpcServerTest, AnswersAUnaryCallWithTheHandlersMessage) {
  StartServer();
  std::string response;
  grpc::Status s = Call("/pkg.Svc/Echo", std::string("hello\0world", 11), &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response, std::string("hello\0world", 11));
  std::lock_guard lock(mu_);
  ASSERT_EQ(methods_.size(), 1u);
  EXPECT_EQ(methods_[0], "/pkg.Svc/Echo");
}

TEST_F(GrpcServerTest, LargeAndEmptyMessagesArriveWhole) {
  StartServer();
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>(i);
  std::string response;
  ASSERT_TRUE(Call("/pkg.Svc/Echo", big, &response).ok());
  EXPECT_EQ(response, big);
  ASSERT_TRUE(Call("/pkg.Svc/Echo", "", &response).ok());
  EXPECT_EQ(response, "");
}

// Many calls in flight on one connection, together larger than the connection's flow-control
// window: every stream is answered with its own message.
TEST_F(GrpcServerTest, ManyLargeCallsMultiplexedOnOneConnectionAreEachAnswered) {
  StartServer();
  grpc::GenericStub stub(channel_);
  grpc::CompletionQueue cq;
  constexpr int kCalls = 64;
  struct Pending {
    grpc::ClientContext ctx;
    grpc::ByteBuffer out;
    grpc::Status status;
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> call;
    std::string sent;
  };
  std::vector<std::unique_ptr<Pending>> calls;
  for (int i = 0; i < kCalls; ++i) {
    auto p = std::make_unique<Pending>();
    p->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    p->sent = std::string(400 * 1024, static_cast<char>('a' + i % 26)) + std::to_string(i);
    grpc::Slice slice(p->sent);
    grpc::ByteBuffer in(&slice, 1);
    p->call = stub.PrepareUnaryCall(&p->ctx, "/pkg.Svc/Echo", in, &cq);
    p->call->StartCall();
    p->call->Finish(&p->out, &p->status, p.get());
    calls.push_back(std::move(p));
  }
  for (int i = 0; i < kCalls; ++i) {
    void* tag;
    bool ok;
    ASSERT_TRUE(cq.Next(&tag, &ok));
    auto* p = static_cast<Pending*>(tag);
    ASSERT_TRUE(p->status.ok()) << p->status.error_message();
    std::vector<grpc::Slice> slices;
    ASSERT_TRUE(p->out.Dump(&slices).ok());
    std::string got;
    for (const auto& s : slices) got.append(reinterpret_cast<const char*>(s.begin()), s.size());
    EXPECT_EQ(got, p->sent);
  }
  std::lock_guard lock(mu_);
  EXPECT_EQ(messages_.size(), static_cast<size_t>(kCalls));
}

TEST_F(GrpcServerTest, GzipAndDeflateRequestsAreDecompressed) {
  StartServer();
  const std::string text(100000, 'a');  // compressible, so gRPC really compresses it
  for (auto algorithm : {GRPC_COMPRESS_GZIP, GRPC_COMPRESS_DEFLATE}) {
    std::string response;
    grpc::Status s = Call("/pkg.Svc/Echo", text, &response, algorithm);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  std::lock_guard lock(mu_);
  ASSERT_EQ(messages_.size(), 2u);
  EXPECT_EQ(messages_[0], text);
  EXPECT_EQ(messages_[1], text);
}

TEST_F(GrpcServerTest, AMessageOverTheLimitIsResourceExhaustedAndTheConnectionLives) {
  StartServer(/*max_recv=*/1000);
  std::string response;
  grpc::Status s = Call("/pkg.Svc/Echo", std::string(5000, 'x'), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(s.error_message().find("larger than max (5000 vs. 1000)"), std::string::npos)
      << s.error_message();
  // A compressed message that inflates past the limit is caught after decompression.
  s = Call("/pkg.Svc/Echo", std::string(5000, 'y'), &response, GRPC_COMPRESS_GZIP);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_TRUE(Call("/pkg.Svc/Echo", "small", &response).ok());
  std::lock_guard lock(mu_);
  EXPECT_EQ(messages_.size(), 1u);  // only the small one reached the handler
}

TEST_F(GrpcServerTest, HandlerErrorsReachTheClientWithTheirTextIntact) {
  StartServer();
  {
    std::lock_guard lock(mu_);
    reply_ = GrpcReply{GrpcCode::kUnavailable, "queue full: 100% used, réessayez\nlater", {}};
  }
  std::string response;
  grpc::Status s = Call("/pkg.Svc/Echo", "x", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message(), "queue full: 100% used, réessayez\nlater");
}

TEST_F(GrpcServerTest, CustomMetadataReachesTheHandlerWithoutGrpcsOwnHeaders) {
  StartServer();
  std::string response;
  ASSERT_TRUE(Call("/pkg.Svc/Echo", "x", &response, GRPC_COMPRESS_GZIP,
                   {{"x-tenant", "acme"}, {"authorization", "Bearer t"}})
                  .ok());
  std::lock_guard lock(mu_);
  std::map<std::string, std::string> seen(metadata_.begin(), metadata_.end());
  EXPECT_EQ(seen["x-tenant"], "acme");
  EXPECT_EQ(seen["authorization"], "Bearer t");
  for (const char* reserved : {"content-type", "te", "grpc-encoding", "grpc-accept-encoding",
                               "grpc-timeout", ":path", ":authority"}) {
    EXPECT_EQ(seen.count(reserved), 0u) << reserved;
  }
}

TEST_F(GrpcServerTest, GarbageOnTheSocketClosesThatConnectionOnly) {
  StartServer();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server_->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string http1 = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(write(fd, http1.data(), http1.size()), static_cast<ssize_t>(http1.size()));
  // The server answers with its settings and a GOAWAY, then closes: read until EOF.
  char buf[4096];
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
  }
  EXPECT_EQ(n, 0) << "the connection was not closed";
  close(fd);
  std::string response;
  EXPECT_TRUE(Call("/pkg.Svc/Echo", "still serving", &response).ok());
}

TEST_F(GrpcServerTest, StopWithAnIdleClientConnectedReturnsAndRefusesNewCalls) {
  StartServer();
  std::string response;
  ASSERT_TRUE(Call("/pkg.Svc/Echo", "x", &response).ok());
  const auto started = std::chrono::steady_clock::now();
  server_->Stop();
  // The idle connection got a GOAWAY; Stop itself does not wait for the client.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  grpc::Status s = Call("/pkg.Svc/Echo", "x", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(GrpcServerTest, ABusyPortFailsTheStartNamingTheEndpoint) {
  StartServer();
  GrpcServerOptions options;
  options.endpoint = "127.0.0.1:" + std::to_string(server_->port());
  auto second = GrpcServer::Start(io_, options, [](const GrpcCall&) { return GrpcReply{}; });
  ASSERT_FALSE(second.ok());
  EXPECT_NE(std::string(second.status().message()).find("listen on " + options.endpoint),
            std::string::npos)
      << second.status();
}

}  // namespace
}  // namespace ocelot::net
