// A gRPC client for unary calls over cleartext HTTP/2, on nghttp2 and blocking sockets: the
// calling thread connects, writes and reads, so no thread polls between calls and none is
// started. The otlp exporter uses it for plaintext endpoints; grpc++ (which starts its own
// threads and initialises all of gRPC core, ~3 MiB of code) stays for TLS and load balancing.
//
// Connections are made on first use and reused; concurrent calls each take a connection of
// their own (one stream per connection at a time), so up to as many connections as callers.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocelot::net {

struct GrpcClientOptions {
  std::string host;  // a name or an address
  uint16_t port = 0;
  std::string authority;  // :authority; empty: host:port
  std::string user_agent = "ocelot";
  bool gzip = false;  // compress requests (grpc-encoding: gzip)
};

struct GrpcClientReply {
  int code = 0;         // the gRPC status code; 14 (UNAVAILABLE) when the call never got through
  std::string message;  // grpc-message, percent-decoded, or what went wrong locally
  std::string details;  // grpc-status-details-bin, decoded (a google.rpc.Status)
  std::string body;     // the response message, for code 0
};

class GrpcClient {
 public:
  explicit GrpcClient(GrpcClientOptions options);
  ~GrpcClient();
  GrpcClient(const GrpcClient&) = delete;
  GrpcClient& operator=(const GrpcClient&) = delete;

  // One unary call; blocks until the answer or `deadline` (then DEADLINE_EXCEEDED and the
  // stream is cancelled). `metadata` names must be lower-case. Thread-safe.
  GrpcClientReply Call(std::string_view method,
                       const std::vector<std::pair<std::string, std::string>>& metadata,
                       std::string_view message, std::chrono::steady_clock::time_point deadline);
  // The same with the message already in a frame from NewGrpcFrame (grpc_frame.h), which the
  // caller serialised into: no copy of the message is made unless it is compressed.
  GrpcClientReply CallFramed(std::string_view method,
                             const std::vector<std::pair<std::string, std::string>>& metadata,
                             std::string frame, std::chrono::steady_clock::time_point deadline);

  class Connection;

 private:
  const GrpcClientOptions options_;
  std::mutex mu_;  // guards idle_
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace ocelot::net
