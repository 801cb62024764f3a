// A small HTTP/1.1 server on Boost.Beast for receivers and extensions (OTLP/HTTP, health_check,
// zpages): runs on the collector's shared io_context, one strand per connection, no threads.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
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

struct HttpRequest {
  std::string method;            // "POST"
  std::string path;              // the target without the query, not percent-decoded
  std::string query;             // after "?", without it
  std::string content_type;      // the header as sent, parameters included
  std::string content_encoding;  // the header as sent; `body` is already decoded
  std::string body;              // already decompressed
  std::vector<std::pair<std::string, std::string>> headers;  // every header, in order, as sent
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // omitted when empty
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// Runs on an io_context thread, possibly several at once for different connections. It should
// not block for long: it holds one of the shared I/O threads meanwhile.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Formats the errors the server answers by itself, before or instead of calling the handler:
// 400 (malformed HTTP, corrupt or unsupported Content-Encoding), 413 (body over the limit),
// 431 (headers too large), 503 (shutting down). `request` has whatever was parsed, an empty
// body. Lets a protocol answer in its own error format (OTLP: a google.rpc.Status), as Go's
// confighttp.WithErrorHandler does.
using HttpErrorFormatter =
    std::function<HttpResponse(const HttpRequest& request, int status, std::string_view message)>;

inline constexpr size_t kDefaultMaxRequestBodyBytes = 20 << 20;

struct HttpServerOptions {
  std::string endpoint;  // host:port; port 0 picks a free one; empty host means every interface
  // On the wire and after decompression; over it: 413. 0 means the default, as in otelcol's
  // confighttp since 0.103 (0.96 had no limit for 0; an unlimited body is a memory hazard).
  size_t max_request_body_bytes = kDefaultMaxRequestBodyBytes;
  // A connection with no request in progress for this long is closed; a request (headers and
  // body) or a response write that takes longer than this is cut off too. 0: the default.
  std::chrono::seconds idle_timeout{60};
  HttpErrorFormatter error_formatter;  // null: text/plain with the message
};

// Threads: Start, port, Stop and the destructor may be called from any thread, Stop also from
// inside the handler. Connections and the handler run on the io_context's threads.
class HttpServer {
 public:
  // Binds and starts accepting. A busy port or bad address fails here with one line naming the
  // endpoint: "listen on localhost:4318: address already in use". A host that resolves to
  // several addresses ("localhost": 127.0.0.1 and ::1) is served on each (with port 0, on the
  // same port); addresses this host cannot use (::1 with IPv6 disabled) are skipped.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(boost::asio::io_context& io,
                                                           HttpServerOptions options,
                                                           HttpHandler handler);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();  // calls Stop

  uint16_t port() const;  // the bound port (of the first address)

  // Stops accepting and closes idle connections. Requests whose handler is running are waited
  // for and answered (then their connection closes); requests still being received are answered
  // 503 without calling the handler. Once Stop returns the handler is never called again, so
  // whatever it references may be destroyed. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl);
  // Shared with every pending asynchronous operation, so that completions arriving after the
  // server object is gone find live state.
  std::shared_ptr<Impl> impl_;
};

}  // namespace ocelot::net
