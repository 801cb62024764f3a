// A gRPC server for unary methods, on nghttp2 (HTTP/2) and the collector's shared io_context:
// one strand per connection, no threads of its own. A request is read, decompressed, handed to
// the handler and answered on the thread that read it, so at low rates a request costs one
// wake-up of one thread; gRPC's own server (grpc++ 1.51) hands calls between threads and
// initialises all of gRPC core (~3 MiB of code touched, several ms of start-up), which is most
// of what separated ocelot from its idle and steady-state targets (bench/README.md).
//
// What it speaks: gRPC over cleartext HTTP/2 (prior knowledge, as every gRPC client does),
// one length-prefixed message per call, grpc-encoding gzip, deflate and zstd, trailers-only
// error answers with percent-encoded grpc-message. What it does not: TLS, streaming calls,
// server-side keepalive pings (clients' pings are answered).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace ocelot::net {

// gRPC status codes this server and its handlers answer with.
enum class GrpcCode : int {
  kOk = 0,
  kInvalidArgument = 3,
  kResourceExhausted = 8,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
};

struct GrpcCall {
  std::string_view method;  // the :path, "/package.Service/Method"
  // Custom metadata as sent, names lower-case; without pseudo-headers and the headers gRPC
  // itself uses (content-type, te, grpc-encoding, grpc-accept-encoding, grpc-timeout).
  const std::vector<std::pair<std::string, std::string>>* metadata;
  std::string_view message;  // the request message, decompressed
};

struct GrpcReply {
  GrpcCode code = GrpcCode::kOk;
  std::string message;  // grpc-message, for errors
  std::string body;     // the serialised response message, for kOk
};

// Runs on an io_context thread (the connection's strand), possibly several at once for
// different connections. It holds one of the shared I/O threads while it runs.
using GrpcHandler = std::function<GrpcReply(const GrpcCall&)>;

struct GrpcServerOptions {
  std::string endpoint;                 // host:port, as HttpServerOptions::endpoint
  size_t max_recv_msg_bytes = 4 << 20;  // over it: RESOURCE_EXHAUSTED, as gRPC
  uint32_t max_concurrent_streams = 0;  // 0: 100 per connection
};

// Threads: Start, port, Stop and the destructor may be called from any thread (Stop not from
// inside the handler). Connections and the handler run on the io_context's threads.
class GrpcServer {
 public:
  // Binds and starts accepting; a busy port fails here with "listen on <endpoint>: ...".
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(boost::asio::io_context& io,
                                                           GrpcServerOptions options,
                                                           GrpcHandler handler);
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;
  ~GrpcServer();  // calls Stop

  uint16_t port() const;

  // Stops accepting and tells every connection to go away (HTTP/2 GOAWAY); calls whose handler
  // is running are waited for and answered; calls not yet handed to the handler are answered
  // UNAVAILABLE, so their clients retry elsewhere. Once Stop returns the handler is never called
  // again. Connections close once their answers are written (within a second). Idempotent.
  void Stop();

  class Impl;

 private:
  explicit GrpcServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace ocelot::net
