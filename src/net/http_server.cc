// The HTTP/1.1 server: listeners accept onto per-connection strands; each connection reads one
// request at a time (keep-alive, Expect: 100-continue, body limit), decompresses it, calls the
// handler on its strand and writes the answer.
#include "net/http_server.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "absl/status/status.h"
#include "config/values.h"
#include "net/compression.h"
#include "net/listener.h"

namespace ocelot::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Go's net/http default (DefaultMaxHeaderBytes); large bearer tokens fit.
constexpr uint32_t kMaxHeaderBytes = 1 << 20;
// How long a connection we are closing keeps reading (and discarding) what the client still
// sends, so that it sees our answer instead of a reset.
constexpr std::chrono::seconds kLingerTime{2};

HttpServerOptions WithDefaults(HttpServerOptions options) {
  if (options.max_request_body_bytes == 0) {
    options.max_request_body_bytes = kDefaultMaxRequestBodyBytes;
  }
  // A zero timeout would close every connection at once; nobody means that.
  if (options.idle_timeout <= std::chrono::seconds(0)) {
    options.idle_timeout = HttpServerOptions{}.idle_timeout;
  }
  return options;
}

bool IsHttpParseError(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::end_of_stream).category();
}

class Session;

// The handler call in progress on this thread, so that Stop called from inside a handler does
// not wait for itself.
thread_local const void* t_calling_server = nullptr;

}  // namespace

// State shared by the server object, its listeners and its connections.
class HttpServer::Impl : public std::enable_shared_from_this<HttpServer::Impl> {
 public:
  Impl(asio::io_context& io, HttpServerOptions options, HttpHandler handler)
      : io_(io), options_(WithDefaults(std::move(options))), handler_(std::move(handler)) {}

  absl::Status Listen();  // once, from Start, before any asynchronous operation
  void StartAccepting();  // once, from Start, after Listen
  void Stop();            // any thread
  uint16_t port() const { return listener_->port(); }
  const HttpServerOptions& options() const { return options_; }

  // Connections, on their strand: a handler call may start only while the server runs; Stop
  // waits for those started.
  bool BeginHandlerCall();
  void EndHandlerCall();
  bool stopped();
  void Unregister(Session* session);
  HttpResponse CallHandler(const HttpRequest& request);

 private:
  void OnAccept(tcp::socket socket);

  asio::io_context& io_;
  const HttpServerOptions options_;
  const HttpHandler handler_;
  std::shared_ptr<Listener> listener_;  // set by Listen

  // Guards sessions_, active_calls_ and stopped_.
  std::mutex mu_;
  std::condition_variable calls_done_;  // signalled when active_calls_ drops
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  int active_calls_ = 0;
  bool stopped_ = false;
};

namespace {

// One connection. Every method runs on the connection's strand (the socket's executor).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<HttpServer::Impl> server, tcp::socket socket)
      : server_(std::move(server)), socket_(std::move(socket)), timer_(socket_.get_executor()) {}
  ~Session() { server_->Unregister(this); }

  tcp::socket::executor_type executor() { return socket_.get_executor(); }

  void Start() { WaitForRequest(); }

  // The server is stopping: an idle connection closes now; a busy one closes after its answer.
  void OnServerStop() {
    if (state_ == State::kIdle) Close();
  }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  const HttpServerOptions& options() const { return server_->options(); }

  void ArmTimer(std::chrono::steady_clock::duration timeout) {
    timer_.expires_after(timeout);
    // A timer that already fired before being re-armed still runs its handler; the generation
    // tells it that it is stale.
    timer_.async_wait([self = shared_from_this(), gen = ++timer_gen_](const error_code& ec) {
      if (ec || gen != self->timer_gen_) return;
      self->Close();
    });
  }

  void WaitForRequest() {
    if (server_->stopped()) return Close();
    state_ = State::kIdle;
    ArmTimer(options().idle_timeout);
    // Pipelined bytes already buffered: no need to wait for the socket.
    if (buffer_.size() > 0) return ReadHeader();
    // Waiting for readability (instead of reading) marks the connection idle until the client
    // sends a byte, so that Stop can close it without cutting a request short.
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
      if (ec || self->state_ != State::kIdle) return self->Close();
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    state_ = State::kReading;
    ArmTimer(options().idle_timeout);  // the whole request must arrive within this
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(static_cast<uint64_t>(options().max_request_body_bytes));
    http::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](const error_code& ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(const error_code& ec) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    if (server_->stopped()) {
      return SendError(503, "the server is shutting down; retry on another connection");
    }
    if (parser_->is_done()) return Dispatch();
    auto expect = req[http::field::expect];
    if (req.version() >= 11 && beast::iequals(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](const error_code& ec, size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](const error_code& ec, size_t) {
                       if (ec) return self->OnReadError(ec);
                       self->Dispatch();
                     });
  }

  void OnReadError(const error_code& ec) {
    if (ec == http::error::body_limit) {
      return SendError(413, "request body exceeds the limit of " +
                                std::to_string(options().max_request_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return SendError(
          431, "request headers exceed the limit of " + std::to_string(kMaxHeaderBytes) + " bytes");
    }
    // The client went away (or the timer closed the socket): nobody to answer.
    if (!IsHttpParseError(ec) || ec == http::error::end_of_stream ||
        ec == http::error::partial_message) {
      return Close();
    }
    SendError(400, "malformed HTTP request: " + ec.message());
  }

  // What was parsed of the request so far, for the handler or the error formatter.
  HttpRequest RequestFromHeader() {
    HttpRequest r;
    if (!parser_) return r;
    const auto& req = parser_->get();
    r.method = std::string(req.method_string());
    std::string_view target(req.target().data(), req.target().size());
    size_t q = target.find('?');
    r.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
    r.content_type = std::string(req[http::field::content_type]);
    r.content_encoding = std::string(req[http::field::content_encoding]);
    for (const auto& field : req) {
      r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    return r;
  }

  void Dispatch() {
    state_ = State::kHandling;
    keep_alive_ = parser_->get().keep_alive();
    HttpRequest request = RequestFromHeader();
    std::string wire_body = std::move(parser_->get().body());
    if (request.content_encoding.empty()) {
      request.body = std::move(wire_body);
    } else {
      absl::StatusOr<std::string> body =
          Decompress(request.content_encoding, wire_body, options().max_request_body_bytes);
      if (!body.ok()) {
        bool too_large = body.status().code() == absl::StatusCode::kResourceExhausted;
        // The whole body was read, so the connection is at a message boundary and may stay.
        return SendError(too_large ? 413 : 400, std::string(body.status().message()),
                         std::move(request), keep_alive_ && !server_->stopped());
      }
      request.body = std::move(*body);
    }
    if (!server_->BeginHandlerCall()) {
      return SendError(503, "the server is shutting down; retry on another connection",
                       std::move(request));
    }
    HttpResponse response = server_->CallHandler(request);
    server_->EndHandlerCall();
    Send(std::move(response), keep_alive_ && !server_->stopped());
  }

  // Answers an error the server detected itself. The connection closes afterwards unless the
  // caller knows the request was read to its end: after an unread body, the stream is not at a
  // message boundary.
  void SendError(int status, std::string message, std::optional<HttpRequest> request = {},
                 bool keep_alive = false) {
    HttpRequest r = request ? std::move(*request) : RequestFromHeader();
    HttpResponse response;
    bool formatted = false;
    if (const HttpErrorFormatter& format = options().error_formatter) {
      try {
        response = format(r, status, message);
        formatted = true;
      } catch (const std::exception&) {
        // Fall back to plain text: an error answer must not fail.
      }
    }
    if (!formatted) {
      response.status = status;
      response.content_type = "text/plain; charset=utf-8";
      response.body = message + "\n";
    }
    Send(std::move(response), keep_alive);
  }

  void Send(HttpResponse response, bool keep_alive) {
    state_ = State::kWriting;
    keep_alive_ = keep_alive;
    response_.emplace();
    response_->version(parser_ && parser_->get().version() == 10 ? 10 : 11);
    response_->result(static_cast<unsigned>(response.status));
    if (!response.content_type.empty()) {
      response_->set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) response_->insert(name, value);
    response_->body() = std::move(response.body);
    response_->keep_alive(keep_alive);
    response_->prepare_payload();
    ArmTimer(options().idle_timeout);
    http::async_write(socket_, *response_,
                      [self = shared_from_this()](const error_code& ec, size_t) {
                        self->response_.reset();
                        if (ec) return self->Close();
                        if (!self->keep_alive_) return self->Linger();
                        self->WaitForRequest();
                      });
  }

  // Half-closes and discards whatever the client still sends until it closes too (or the
  // linger time passes): closing with unread data would reset the connection and could
  // destroy the answer before the client reads it.
  void Linger() {
    state_ = State::kLingering;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    ArmTimer(std::min<std::chrono::steady_clock::duration>(kLingerTime, options().idle_timeout));
    buffer_.clear();
    DiscardInput();
  }

  void DiscardInput() {
    auto buf = buffer_.prepare(16 << 10);
    socket_.async_read_some(buf, [self = shared_from_this()](const error_code& ec, size_t) {
      if (ec) return self->Close();
      self->DiscardInput();
    });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    timer_.cancel();
    CloseQuietly(socket_);
  }

  std::shared_ptr<HttpServer::Impl> server_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  uint64_t timer_gen_ = 0;
  State state_ = State::kIdle;
  bool keep_alive_ = true;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
};

}  // namespace

absl::Status HttpServer::Impl::Listen() {
  auto listener = Listener::Open(io_, options_.endpoint);
  if (!listener.ok()) return listener.status();
  listener_ = *std::move(listener);
  return absl::OkStatus();
}

// Runs on an io thread.
void HttpServer::Impl::OnAccept(tcp::socket socket) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;  // the socket closes itself
    session = std::make_shared<Session>(shared_from_this(), std::move(socket));
    sessions_.emplace(session.get(), session);
  }
  asio::dispatch(session->executor(), [session] { session->Start(); });
}

void HttpServer::Impl::StartAccepting() {
  listener_->Start(
      [self = shared_from_this()](tcp::socket socket) { self->OnAccept(std::move(socket)); });
}

bool HttpServer::Impl::BeginHandlerCall() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return false;
  ++active_calls_;
  return true;
}

void HttpServer::Impl::EndHandlerCall() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --active_calls_;
  }
  calls_done_.notify_all();
}

bool HttpServer::Impl::stopped() {
  std::lock_guard<std::mutex> lock(mu_);
  return stopped_;
}

void HttpServer::Impl::Unregister(Session* session) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(session);
}

HttpResponse HttpServer::Impl::CallHandler(const HttpRequest& request) {
  const void* outer = t_calling_server;
  t_calling_server = this;
  HttpResponse response;
  try {
    response = handler_(request);
  } catch (const std::exception& e) {
    response = HttpResponse{
        500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n", {}};
  } catch (...) {
    response = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n", {}};
  }
  t_calling_server = outer;
  return response;
}

void HttpServer::Impl::Stop() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!stopped_) {
      stopped_ = true;
      listener_->Close();
      for (auto& [ptr, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    // A Stop from inside a handler must not wait for that very call.
    int own = t_calling_server == this ? 1 : 0;
    calls_done_.wait(lock, [&] { return active_calls_ <= own; });
  }
  for (auto& s : live) asio::post(s->executor(), [s] { s->OnServerStop(); });
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(boost::asio::io_context& io,
                                                              HttpServerOptions options,
                                                              HttpHandler handler) {
  auto impl = std::make_shared<Impl>(io, std::move(options), std::move(handler));
  if (absl::Status s = impl->Listen(); !s.ok()) return s;
  impl->StartAccepting();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace ocelot::net
