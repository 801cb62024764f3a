#include "net/grpc_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "absl/strings/escaping.h"
#include "net/compression.h"
#include "net/grpc_frame.h"
#include "net/nghttp2_nv.h"

namespace ocelot::net {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kUnavailable = 14;
constexpr int kDeadlineExceeded = 4;
constexpr int kInternal = 13;
constexpr int32_t kStreamWindow = 4 << 20;
constexpr int32_t kConnectionWindow = 16 << 20;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1 << 30));
}

std::string PercentDecode(std::string_view text) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// The gRPC code for an HTTP status when the answer has no grpc-status (a proxy answered, say),
// as gRPC's HTTP-to-gRPC status mapping.
int CodeForHttpStatus(int status) {
  switch (status) {
    case 400:
      return kInternal;
    case 401:
      return 16;  // UNAUTHENTICATED
    case 403:
      return 7;  // PERMISSION_DENIED
    case 404:
      return 12;  // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return kUnavailable;
    default:
      return 2;  // UNKNOWN
  }
}

// One call's exchange on a connection.
struct Exchange {
  int32_t stream_id = -1;
  std::string request;  // the framed message
  size_t request_pos = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // response headers and trailers
  std::string body;
  bool closed = false;
  uint32_t reset_code = 0;  // RST_STREAM error code, 0 if the stream ended normally
};

}  // namespace

class GrpcClient::Connection {
 public:
  ~Connection() {
    if (session_ != nullptr) nghttp2_session_del(session_);
    if (fd_ >= 0) ::close(fd_);
  }

  // Connects to the first address of host:port that answers; "" or what went wrong.
  std::string Connect(const GrpcClientOptions& o, Clock::time_point deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(o.port);
    if (int rv = getaddrinfo(o.host.c_str(), port.c_str(), &hints, &found); rv != 0) {
      return "cannot resolve \"" + o.host + "\": " + gai_strerror(rv);
    }
    std::string error = "no address";
    for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
      int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) continue;
      int rv = connect(fd, a->ai_addr, a->ai_addrlen);
      if (rv != 0 && errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        rv = poll(&p, 1, MillisLeft(deadline)) == 1 ? 0 : -1;
        int so_error = ETIMEDOUT;
        socklen_t len = sizeof so_error;
        if (rv == 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
        if (so_error != 0) {
          errno = so_error;
          rv = -1;
        }
      }
      if (rv != 0) {
        error = std::strerror(errno);
        ::close(fd);
        continue;
      }
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fd_ = fd;
    }
    freeaddrinfo(found);
    if (fd_ < 0) return "connect: " + error;
    return StartSession();
  }

  // Reads what the server sent while the connection sat idle (a GOAWAY, a close); false when
  // the connection is no longer usable.
  bool Refresh() {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 0) != 1) break;
      std::array<uint8_t, 4096> buf;
      ssize_t n = ::read(fd_, buf.data(), buf.size());
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
      if (n <= 0 || nghttp2_session_mem_recv(session_, buf.data(), static_cast<size_t>(n)) < 0) {
        broken_ = true;
        break;
      }
    }
    return healthy();
  }

  bool healthy() const {
    return !broken_ && session_ != nullptr && nghttp2_session_want_read(session_) != 0;
  }

  GrpcClientReply Call(const GrpcClientOptions& o, std::string_view method,
                       const std::vector<std::pair<std::string, std::string>>& metadata,
                       std::string framed, Clock::time_point deadline) {
    Exchange ex;
    ex.request = std::move(framed);
    current_ = &ex;
    const std::string authority =
        o.authority.empty() ? o.host + ":" + std::to_string(o.port) : o.authority;
    const std::string timeout =
        std::to_string(std::min<int64_t>(std::max(MillisLeft(deadline), 1), 99999999)) + "m";
    std::vector<nghttp2_nv> nva{Nv(":method", "POST"),
                                Nv(":scheme", "http"),
                                Nv(":path", method),
                                Nv(":authority", authority),
                                Nv("content-type", "application/grpc"),
                                Nv("te", "trailers"),
                                Nv("user-agent", o.user_agent),
                                Nv("grpc-accept-encoding", "identity,deflate,gzip"),
                                Nv("grpc-timeout", timeout)};
    if (o.gzip) nva.push_back(Nv("grpc-encoding", "gzip"));
    for (const auto& [k, v] : metadata) nva.push_back(Nv(k, v));
    nghttp2_data_provider provider;
    provider.source.ptr = &ex;
    provider.read_callback = &ReadRequest;
    ex.stream_id =
        nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(), &provider, &ex);
    if (ex.stream_id < 0) return Fail(kUnavailable, "cannot start the call on this connection");

    while (!ex.closed) {
      if (std::string err = Flush(deadline); !err.empty()) return Fail(kUnavailable, err);
      if (ex.closed) break;
      if (broken_) return Fail(kUnavailable, "the connection was closed by the server");
      pollfd p{fd_, POLLIN, 0};
      const int ready = poll(&p, 1, MillisLeft(deadline));
      if (ready == 0) {
        nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, ex.stream_id, NGHTTP2_CANCEL);
        Flush(Clock::now() + std::chrono::milliseconds(100));
        current_ = nullptr;
        return GrpcClientReply{kDeadlineExceeded, "context deadline exceeded", {}, {}};
      }
      std::array<uint8_t, 64 * 1024> buf;
      ssize_t n = ::read(fd_, buf.data(), buf.size());
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n == 0 && !peer_spoke_http2_) {
        return Fail(kUnavailable,
                    "the server closed the connection without speaking HTTP/2 (gRPC); is this "
                    "an OTLP/HTTP endpoint, for the otlphttp exporter?");
      }
      if (n <= 0)
        return Fail(kUnavailable, n == 0 ? "the connection was closed by the server"
                                         : std::string("read: ") + std::strerror(errno));
      if (nghttp2_session_mem_recv(session_, buf.data(), static_cast<size_t>(n)) < 0) {
        if (std::string_view(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n))
                .rfind("HTTP/1.", 0) == 0) {
          // An HTTP/1.1 server (OTLP/HTTP's port, a plain web server) answering the preface.
          return Fail(kUnavailable,
                      "the server speaks HTTP/1.1, not gRPC (HTTP/2); is this an OTLP/HTTP "
                      "endpoint, for the otlphttp exporter?");
        }
        return Fail(kUnavailable, "the server broke the HTTP/2 protocol");
      }
    }
    current_ = nullptr;
    Flush(deadline);  // window updates and acknowledgements owed
    return Result(ex);
  }

 private:
  std::string StartSession() {
    nghttp2_session_callbacks* cb = nullptr;
    if (nghttp2_session_callbacks_new(&cb) != 0) return "out of memory";
    nghttp2_session_callbacks_set_on_header_callback(cb, &OnHeader);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, &OnData);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, &OnStreamClose);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, &OnFrame);
    int rv = nghttp2_session_client_new(&session_, cb, this);
    nghttp2_session_callbacks_del(cb);
    if (rv != 0) return "cannot start an HTTP/2 session";
    const std::array<nghttp2_settings_entry, 2> settings{{
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kStreamWindow},
    }};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kConnectionWindow);
    return "";
  }

  // Writes everything nghttp2 has queued; "" or what went wrong.
  std::string Flush(Clock::time_point deadline) {
    for (;;) {
      const uint8_t* data = nullptr;
      ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) return "HTTP/2 error";
      if (n == 0) return "";
      size_t done = 0;
      while (done < static_cast<size_t>(n)) {
        ssize_t w = ::send(fd_, data + done, static_cast<size_t>(n) - done, MSG_NOSIGNAL);
        if (w > 0) {
          done += static_cast<size_t>(w);
          continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) {
          pollfd p{fd_, POLLOUT, 0};
          if (poll(&p, 1, MillisLeft(deadline)) == 1) continue;
          broken_ = true;
          return "write: timed out";
        }
        broken_ = true;
        return std::string("write: ") + std::strerror(errno);
      }
    }
  }

  GrpcClientReply Fail(int code, const std::string& message) {
    broken_ = true;
    current_ = nullptr;
    return GrpcClientReply{code, message, {}, {}};
  }

  static GrpcClientReply Result(const Exchange& ex) {
    GrpcClientReply reply;
    std::string_view http_status, grpc_status, encoding;
    for (const auto& [k, v] : ex.headers) {
      if (k == ":status") http_status = v;
      if (k == "grpc-status") grpc_status = v;
      if (k == "grpc-message") reply.message = PercentDecode(v);
      if (k == "grpc-encoding") encoding = v;
      if (k == "grpc-status-details-bin") absl::Base64Unescape(v, &reply.details);
    }
    if (grpc_status.empty()) {
      if (ex.reset_code != 0) {
        return GrpcClientReply{
            kUnavailable,
            "the server reset the stream (HTTP/2 error " + std::to_string(ex.reset_code) + ")",
            {},
            {}};
      }
      const int status = http_status.empty() ? 0 : std::atoi(std::string(http_status).c_str());
      return GrpcClientReply{
          status == 200 ? kInternal : CodeForHttpStatus(status),
          "the answer has no grpc-status (HTTP status " + std::string(http_status) + ")",
          {},
          {}};
    }
    reply.code = std::atoi(std::string(grpc_status).c_str());
    if (reply.code != 0 || ex.body.size() < 5) return reply;
    std::string_view message(ex.body.data() + 5, ex.body.size() - 5);
    if ((ex.body[0] & 1) != 0) {
      auto plain = Decompress(encoding, message, 64 << 20);
      if (plain.ok()) reply.body = *std::move(plain);
    } else {
      reply.body = message;
    }
    return reply;
  }

  static Connection* Of(void* user_data) { return static_cast<Connection*>(user_data); }

  static ssize_t ReadRequest(nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                             uint32_t* flags, nghttp2_data_source* source, void*) {
    auto* ex = static_cast<Exchange*>(source->ptr);
    const size_t n = std::min(length, ex->request.size() - ex->request_pos);
    std::memcpy(buf, ex->request.data() + ex->request_pos, n);
    ex->request_pos += n;
    if (ex->request_pos == ex->request.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  Exchange* For(int32_t stream_id) {
    return current_ != nullptr && current_->stream_id == stream_id ? current_ : nullptr;
  }

  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* ud) {
    if (Exchange* ex = Of(ud)->For(frame->hd.stream_id)) {
      ex->headers.emplace_back(std::string(reinterpret_cast<const char*>(name), namelen),
                               std::string(reinterpret_cast<const char*>(value), valuelen));
    }
    return 0;
  }

  static int OnData(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data, size_t len,
                    void* ud) {
    if (Exchange* ex = Of(ud)->For(stream_id)) {
      ex->body.append(reinterpret_cast<const char*>(data), len);
    }
    return 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* ud) {
    if (Exchange* ex = Of(ud)->For(stream_id)) {
      ex->closed = true;
      ex->reset_code = error_code;
    }
    return 0;
  }

  static int OnFrame(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
    // A server going away takes no new streams on this connection: the next call reconnects.
    if (frame->hd.type == NGHTTP2_GOAWAY) Of(ud)->broken_ = true;
    if (frame->hd.type == NGHTTP2_SETTINGS) Of(ud)->peer_spoke_http2_ = true;
    return 0;
  }

  int fd_ = -1;
  nghttp2_session* session_ = nullptr;
  Exchange* current_ = nullptr;
  bool broken_ = false;
  bool peer_spoke_http2_ = false;  // a SETTINGS frame came: the peer is an HTTP/2 server
};

GrpcClient::GrpcClient(GrpcClientOptions options) : options_(std::move(options)) {}

GrpcClient::~GrpcClient() = default;

GrpcClientReply GrpcClient::Call(std::string_view method,
                                 const std::vector<std::pair<std::string, std::string>>& metadata,
                                 std::string_view message, Clock::time_point deadline) {
  std::string frame = NewGrpcFrame(message.size());
  std::memcpy(frame.data() + kGrpcFrameHeaderBytes, message.data(), message.size());
  return CallFramed(method, metadata, std::move(frame), deadline);
}

GrpcClientReply GrpcClient::CallFramed(
    std::string_view method, const std::vector<std::pair<std::string, std::string>>& metadata,
    std::string frame, Clock::time_point deadline) {
  if (options_.gzip) {
    auto compressed = Compress("gzip", std::string_view(frame).substr(kGrpcFrameHeaderBytes));
    if (!compressed.ok()) return {kInternal, std::string(compressed.status().message()), {}, {}};
    frame.resize(kGrpcFrameHeaderBytes);
    WriteGrpcFrameHeader(frame.data(), true, compressed->size());
    frame.append(*compressed);
  }
  std::unique_ptr<Connection> connection;
  {
    std::lock_guard lock(mu_);
    while (!connection && !idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
      if (!connection->Refresh()) connection.reset();
    }
  }
  if (!connection) {
    connection = std::make_unique<Connection>();
    if (std::string error = connection->Connect(options_, deadline); !error.empty()) {
      return {kUnavailable, error, {}, {}};
    }
  }
  GrpcClientReply reply = connection->Call(options_, method, metadata, std::move(frame), deadline);
  if (connection->healthy()) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(connection));
  }
  return reply;
}

}  // namespace ocelot::net
