// The gRPC server: listeners accept onto per-connection strands; each connection feeds what it
// reads to an nghttp2 server session, which calls back as frames arrive; a request complete
// with END_STREAM is unframed, decompressed, handed to the handler and answered (HEADERS,
// DATA, trailers) before the connection reads again.
#include "net/grpc_server.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>

#include "net/compression.h"
#include "net/grpc_frame.h"
#include "net/listener.h"
#include "net/nghttp2_nv.h"

namespace ocelot::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr uint32_t kDefaultMaxConcurrentStreams = 100;
// Flow-control windows. HTTP/2's default 64 KiB would make a 300 KB request wait for window
// updates several times; gRPC's own server grows its windows the same way (BDP probing).
constexpr int32_t kStreamWindow = 4 << 20;
constexpr int32_t kConnectionWindow = 16 << 20;
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxHeaderBytes = 64 * 1024;  // per request, names and values
// How long a connection told to go away may take to finish writing its answers.
constexpr std::chrono::seconds kStopGrace{1};
constexpr std::string_view kAcceptEncoding = "identity,deflate,gzip,zstd";

thread_local const void* t_calling_server = nullptr;

bool IsReservedHeader(std::string_view name) {
  return name.empty() || name[0] == ':' || name == "content-type" || name == "te" ||
         name == "grpc-encoding" || name == "grpc-accept-encoding" || name == "grpc-timeout";
}

// grpc-message is percent-encoded: bytes outside printable ASCII, and '%' itself.
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c >= 0x20 && c <= 0x7e && c != '%') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

class Connection;

}  // namespace

// State shared by the server object, its listener and its connections.
class GrpcServer::Impl : public std::enable_shared_from_this<GrpcServer::Impl> {
 public:
  Impl(asio::io_context& io, GrpcServerOptions options, GrpcHandler handler)
      : io_(io), options_(std::move(options)), handler_(std::move(handler)) {
    if (options_.max_concurrent_streams == 0) {
      options_.max_concurrent_streams = kDefaultMaxConcurrentStreams;
    }
  }

  absl::Status Listen() {
    auto listener = Listener::Open(io_, options_.endpoint);
    if (!listener.ok()) return listener.status();
    listener_ = *std::move(listener);
    listener_->Start([self = shared_from_this()](tcp::socket s) { self->OnAccept(std::move(s)); });
    return absl::OkStatus();
  }
  void Stop();
  uint16_t port() const { return listener_->port(); }
  const GrpcServerOptions& options() const { return options_; }

  // Connections, on their strand. A handler call starts only while the server runs; Stop waits
  // for those started.
  bool BeginHandlerCall() {
    std::lock_guard lock(mu_);
    if (stopped_) return false;
    ++active_calls_;
    return true;
  }
  void EndHandlerCall() {
    {
      std::lock_guard lock(mu_);
      --active_calls_;
    }
    calls_done_.notify_all();
  }
  GrpcReply CallHandler(const GrpcCall& call) {
    const void* outer = t_calling_server;
    t_calling_server = this;
    GrpcReply reply;
    try {
      reply = handler_(call);
    } catch (const std::exception& e) {
      reply = GrpcReply{GrpcCode::kInternal, std::string("internal error: ") + e.what(), {}};
    }
    t_calling_server = outer;
    return reply;
  }
  void Unregister(Connection* c) {
    std::lock_guard lock(mu_);
    connections_.erase(c);
  }

 private:
  void OnAccept(tcp::socket socket);

  asio::io_context& io_;
  GrpcServerOptions options_;
  const GrpcHandler handler_;
  std::shared_ptr<Listener> listener_;
  std::mutex mu_;  // guards connections_, active_calls_, stopped_
  std::condition_variable calls_done_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  int active_calls_ = 0;
  bool stopped_ = false;
};

namespace {

// One request stream, from its HEADERS to its close.
struct Stream {
  std::string method;
  std::string path;
  std::string content_type;
  std::string encoding;
  std::vector<std::pair<std::string, std::string>> metadata;
  size_t header_bytes = 0;
  std::string body;       // the length-prefixed message as received
  bool answered = false;  // an early answer (too large) was sent; ignore the rest
  std::string out;        // the framed response message
  size_t out_pos = 0;
};

// One HTTP/2 connection. Every method runs on the connection's strand (the socket's executor).
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<GrpcServer::Impl> server, tcp::socket socket)
      : server_(std::move(server)), socket_(std::move(socket)), timer_(socket_.get_executor()) {}
  ~Connection() {
    if (session_ != nullptr) nghttp2_session_del(session_);
    server_->Unregister(this);
  }
  tcp::socket::executor_type executor() { return socket_.get_executor(); }

  void Start() {
    nghttp2_session_callbacks* callbacks = nullptr;
    if (nghttp2_session_callbacks_new(&callbacks) != 0) return Close();
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &OnBeginHeaders);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &OnHeader);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &OnDataChunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &OnFrame);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &OnStreamClose);
    int rv = nghttp2_session_server_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    if (rv != 0) return Close();
    const std::array<nghttp2_settings_entry, 3> settings{{
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, server_->options().max_concurrent_streams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kStreamWindow},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, kMaxHeaderBytes},
    }};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kConnectionWindow);
    Flush();
    Read();
  }

  // The server is stopping: no new streams; close once what is owed is written.
  void OnServerStop() {
    if (closed_ || session_ == nullptr) return;
    nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE,
                          nghttp2_session_get_last_proc_stream_id(session_), NGHTTP2_NO_ERROR,
                          nullptr, 0);
    timer_.expires_after(kStopGrace);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->Close();
    });
    Flush();
  }

 private:
  static Connection* Of(void* user_data) { return static_cast<Connection*>(user_data); }

  Stream* Find(int32_t id) {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.get();
  }

  static int OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      Of(user_data)->streams_[frame->hd.stream_id] = std::make_unique<Stream>();
    }
    return 0;
  }

  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                      void* user_data) {
    Stream* s = Of(user_data)->Find(frame->hd.stream_id);
    if (s == nullptr) return 0;  // trailers of a request, or a stream we no longer track
    s->header_bytes += namelen + valuelen;
    if (s->header_bytes > kMaxHeaderBytes) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    std::string_view n(reinterpret_cast<const char*>(name), namelen);
    std::string_view v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":path") {
      s->path = v;
    } else if (n == ":method") {
      s->method = v;
    } else if (n == "content-type") {
      s->content_type = v;
    } else if (n == "grpc-encoding") {
      s->encoding = v;
    } else if (!IsReservedHeader(n)) {
      s->metadata.emplace_back(n, v);  // nghttp2 has checked names are lower-case
    }
    return 0;
  }

  static int OnDataChunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                         size_t len, void* user_data) {
    Connection* c = Of(user_data);
    Stream* s = c->Find(stream_id);
    if (s == nullptr || s->answered) return 0;
    s->body.append(reinterpret_cast<const char*>(data), len);
    if (s->body.size() >= 5) {
      const size_t declared = GrpcFrameLength(s->body);
      const size_t max = c->server_->options().max_recv_msg_bytes;
      if (declared > max) {
        // Refuse now rather than buffer up to the declared size; later DATA is dropped.
        c->AnswerError(stream_id, *s, GrpcCode::kResourceExhausted,
                       "grpc: received message larger than max (" + std::to_string(declared) +
                           " vs. " + std::to_string(max) + ")");
        s->body.clear();
        s->body.shrink_to_fit();
      } else if (s->body.capacity() < declared + 5) {
        s->body.reserve(declared + 5);
      }
    }
    return 0;
  }

  static int OnFrame(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    const bool request_frame = frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA;
    if (request_frame && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
      Connection* c = Of(user_data);
      if (Stream* s = c->Find(frame->hd.stream_id); s != nullptr && !s->answered) {
        c->Handle(frame->hd.stream_id, *s);
      }
    }
    return 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t, void* user_data) {
    Of(user_data)->streams_.erase(stream_id);
    return 0;
  }

  void Handle(int32_t id, Stream& s) {
    if (s.method != "POST") {
      return AnswerError(id, s, GrpcCode::kUnimplemented, "grpc: method must be POST");
    }
    if (s.content_type.rfind("application/grpc", 0) != 0) {
      return AnswerError(id, s, GrpcCode::kInternal,
                         "invalid gRPC request content-type \"" + s.content_type + "\"");
    }
    if (s.body.size() < 5 || s.body.size() != 5 + GrpcFrameLength(s.body)) {
      return AnswerError(id, s, GrpcCode::kInternal,
                         "grpc: a unary request must be exactly one length-prefixed message");
    }
    std::string_view message(s.body.data() + 5, s.body.size() - 5);
    std::string decompressed;
    if ((s.body[0] & 1) != 0) {
      if (s.encoding.empty() || s.encoding == "identity") {
        return AnswerError(id, s, GrpcCode::kInternal,
                           "grpc: compressed flag set with identity or empty encoding");
      }
      if (s.encoding != "gzip" && s.encoding != "deflate" && s.encoding != "zstd") {
        return AnswerError(
            id, s, GrpcCode::kUnimplemented,
            "grpc: Decompressor is not installed for grpc-encoding \"" + s.encoding + "\"");
      }
      auto plain = Decompress(s.encoding, message, server_->options().max_recv_msg_bytes);
      if (!plain.ok()) {
        const bool too_big = plain.status().code() == absl::StatusCode::kResourceExhausted;
        return AnswerError(
            id, s, too_big ? GrpcCode::kResourceExhausted : GrpcCode::kInternal,
            "grpc: failed to decompress the message: " + std::string(plain.status().message()));
      }
      decompressed = *std::move(plain);
      message = decompressed;
    }
    if (!server_->BeginHandlerCall()) {
      return AnswerError(id, s, GrpcCode::kUnavailable, "the server is shutting down");
    }
    GrpcReply reply = server_->CallHandler(GrpcCall{s.path, &s.metadata, message});
    server_->EndHandlerCall();
    s.body.clear();
    s.body.shrink_to_fit();  // the request is in the pipeline now; free its bytes
    if (reply.code != GrpcCode::kOk) return AnswerError(id, s, reply.code, reply.message);
    AnswerOk(id, s, reply.body);
  }

  void AnswerOk(int32_t id, Stream& s, const std::string& body) {
    s.answered = true;
    s.out = NewGrpcFrame(body.size());
    std::memcpy(s.out.data() + kGrpcFrameHeaderBytes, body.data(), body.size());
    const std::array<nghttp2_nv, 3> headers{Nv(":status", "200"),
                                            Nv("content-type", "application/grpc"),
                                            Nv("grpc-accept-encoding", kAcceptEncoding)};
    nghttp2_data_provider provider;
    provider.source.ptr = &s;
    provider.read_callback = &ReadBody;
    nghttp2_submit_response(session_, id, headers.data(), headers.size(), &provider);
  }

  // Writes the framed response, then the trailers with grpc-status 0.
  static ssize_t ReadBody(nghttp2_session* session, int32_t id, uint8_t* buf, size_t length,
                          uint32_t* flags, nghttp2_data_source* source, void*) {
    auto* s = static_cast<Stream*>(source->ptr);
    const size_t n = std::min(length, s->out.size() - s->out_pos);
    std::memcpy(buf, s->out.data() + s->out_pos, n);
    s->out_pos += n;
    if (s->out_pos == s->out.size()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
      const std::array<nghttp2_nv, 1> trailers{Nv("grpc-status", "0")};
      nghttp2_submit_trailer(session, id, trailers.data(), trailers.size());
    }
    return static_cast<ssize_t>(n);
  }

  // A trailers-only answer: one HEADERS frame with the status, ending the stream.
  void AnswerError(int32_t id, Stream& s, GrpcCode code, const std::string& message) {
    s.answered = true;
    const std::string status = std::to_string(static_cast<int>(code));
    const std::string encoded = PercentEncode(message);
    const std::array<nghttp2_nv, 5> headers{Nv(":status", "200"),
                                            Nv("content-type", "application/grpc"),
                                            Nv("grpc-accept-encoding", kAcceptEncoding),
                                            Nv("grpc-status", status), Nv("grpc-message", encoded)};
    nghttp2_submit_response(session_, id, headers.data(), headers.size(), nullptr);
  }

  void Read() {
    if (closed_) return;
    socket_.async_read_some(
        asio::buffer(read_buf_),
        [self = shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(const error_code& ec, size_t n) {
    if (ec || closed_) return Close();
    ssize_t rv = nghttp2_session_mem_recv(session_, read_buf_.data(), n);
    if (rv < 0) {
      // A protocol error (or not HTTP/2 at all): nghttp2 has queued a GOAWAY; send it, then
      // close.
      read_failed_ = true;
      return Flush();
    }
    Flush();
    Read();
  }

  // Writes whatever nghttp2 has queued; one write at a time.
  void Flush() {
    if (writing_ || closed_) return;
    out_.clear();
    for (;;) {
      const uint8_t* data = nullptr;
      ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) return Close();
      if (n == 0) break;
      out_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
      if (out_.size() >= kReadChunk * 4) break;  // write this much, then ask for more
    }
    if (out_.empty()) {
      if (read_failed_ ||
          (nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0)) {
        Close();
      }
      return;
    }
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](const error_code& ec, size_t) {
                        self->writing_ = false;
                        if (ec) return self->Close();
                        self->Flush();
                      });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    CloseQuietly(socket_);
  }

  std::shared_ptr<GrpcServer::Impl> server_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  nghttp2_session* session_ = nullptr;
  std::map<int32_t, std::unique_ptr<Stream>> streams_;
  std::array<uint8_t, kReadChunk> read_buf_{};
  std::string out_;
  bool writing_ = false;
  bool read_failed_ = false;
  bool closed_ = false;
};

}  // namespace

void GrpcServer::Impl::OnAccept(tcp::socket socket) {
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;  // the socket closes itself
    connection = std::make_shared<Connection>(shared_from_this(), std::move(socket));
    connections_.emplace(connection.get(), connection);
  }
  asio::dispatch(connection->executor(), [connection] { connection->Start(); });
}

void GrpcServer::Impl::Stop() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::unique_lock lock(mu_);
    if (!stopped_) {
      stopped_ = true;
      if (listener_) listener_->Close();
      for (auto& [ptr, weak] : connections_) {
        if (auto c = weak.lock()) live.push_back(std::move(c));
      }
    }
    const int own = t_calling_server == this ? 1 : 0;
    calls_done_.wait(lock, [&] { return active_calls_ <= own; });
  }
  for (auto& c : live) asio::post(c->executor(), [c] { c->OnServerStop(); });
}

GrpcServer::GrpcServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

GrpcServer::~GrpcServer() { Stop(); }

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(asio::io_context& io,
                                                              GrpcServerOptions options,
                                                              GrpcHandler handler) {
  auto impl = std::make_shared<Impl>(io, std::move(options), std::move(handler));
  if (absl::Status s = impl->Listen(); !s.ok()) return s;
  return std::unique_ptr<GrpcServer>(new GrpcServer(std::move(impl)));
}

uint16_t GrpcServer::port() const { return impl_->port(); }

void GrpcServer::Stop() { impl_->Stop(); }

}  // namespace ocelot::net
