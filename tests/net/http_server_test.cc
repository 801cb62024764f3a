// Tests for the HTTP server against real clients over loopback: libcurl for ordinary requests,
// a raw Beast client where the test needs control of the bytes (pipelining, Expect, chunked).
#include "net/http_server.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ocelot::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr auto kDeadline = std::chrono::seconds(20);

std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

struct CurlResult {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::vector<std::string> header_lines;
  long new_connections = 0;

  std::optional<std::string> Header(std::string_view name) const {
    for (const std::string& line : header_lines) {
      if (line.size() > name.size() && line[name.size()] == ':' &&
          strncasecmp(line.data(), name.data(), name.size()) == 0) {
        std::string v = line.substr(name.size() + 1);
        while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) v.pop_back();
        return v;
      }
    }
    return std::nullopt;
  }
};

// One libcurl easy handle: consecutive requests reuse its connection when the server allows.
class Curl {
 public:
  Curl() : h_(curl_easy_init()) {}
  ~Curl() { curl_easy_cleanup(h_); }

  CurlResult Request(const std::string& method, const std::string& url, const std::string& body,
                     const std::vector<std::string>& headers = {}) {
    CurlResult r;
    curl_slist* list = nullptr;
    for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(h_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h_, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST") {
      curl_easy_setopt(h_, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(h_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else {
      curl_easy_setopt(h_, CURLOPT_HTTPGET, 1L);
      curl_easy_setopt(h_, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    curl_easy_setopt(h_, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h_, CURLOPT_TIMEOUT, static_cast<long>(kDeadline.count()));
    curl_easy_setopt(h_, CURLOPT_WRITEFUNCTION, &Curl::OnBody);
    curl_easy_setopt(h_, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(h_, CURLOPT_HEADERFUNCTION, &Curl::OnHeader);
    curl_easy_setopt(h_, CURLOPT_HEADERDATA, &r.header_lines);
    r.code = curl_easy_perform(h_);
    curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(h_, CURLINFO_NUM_CONNECTS, &r.new_connections);
    curl_slist_free_all(list);
    return r;
  }

  CurlResult Post(const std::string& url, const std::string& body,
                  const std::vector<std::string>& headers = {}) {
    return Request("POST", url, body, headers);
  }

 private:
  static size_t OnBody(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }
  static size_t OnHeader(char* data, size_t size, size_t n, void* out) {
    static_cast<std::vector<std::string>*>(out)->emplace_back(data, size * n);
    return size * n;
  }
  CURL* h_;
};

// A client that writes exactly the bytes it is given; every operation has a deadline.
class RawClient {
 public:
  error_code Connect(uint16_t port) {
    return Run([&](auto done) {
      stream_.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                            [done](const error_code& ec) { done(ec); });
    });
  }
  error_code Write(const std::string& data) {
    return Run([&](auto done) {
      asio::async_write(stream_, asio::buffer(data),
                        [done](const error_code& ec, size_t) { done(ec); });
    });
  }
  error_code Read(http::response<http::string_body>* response) {
    parser_.emplace();
    error_code ec = Run([&](auto done) {
      http::async_read(stream_, buffer_, *parser_,
                       [done](const error_code& ec, size_t) { done(ec); });
    });
    *response = parser_->release();
    return ec;
  }
  // Reads until the server closes the connection: end_of_stream or a reset, or the deadline
  // (beast::error::timeout) if it never does.
  error_code WaitForClose() {
    for (;;) {
      char sink[4096];
      size_t n = 0;
      error_code ec = Run([&](auto done) {
        stream_.async_read_some(asio::buffer(sink), [done, &n](const error_code& ec, size_t got) {
          n = got;
          done(ec);
        });
      });
      if (ec) return ec;
    }
  }

 private:
  template <typename Start>
  error_code Run(Start start) {
    error_code result;
    stream_.expires_after(kDeadline);
    start([&result](const error_code& ec) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

bool IsClosedByPeer(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset;
}

HttpResponse Echo(const HttpRequest& r) {
  HttpResponse res;
  res.content_type = "text/plain";
  res.body = r.method + " " + r.path + " ?" + r.query + " [" + r.content_type + "] [" +
             r.content_encoding + "] " + r.body;
  res.headers.emplace_back("X-Test", "yes");
  return res;
}

// Runs the server's io_context on two threads, as the collector's pool does.
class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() : guard_(io_.get_executor()) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~HttpServerTest() override {
    server_.reset();
    guard_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  void StartServer(HttpHandler handler, HttpServerOptions options = {}) {
    options.endpoint = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<HttpServer>> s =
        HttpServer::Start(io_, std::move(options), std::move(handler));
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    ASSERT_NE(server_->port(), 0);
  }

  std::string Url(const std::string& target) {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + target;
  }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::vector<std::thread> threads_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswersARequest) {
  StartServer(Echo);
  CurlResult r = Curl().Post(Url("/v1/traces?x=1"), "hello", {"Content-Type: text/plain"});
  ASSERT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /v1/traces ?x=1 [text/plain] [] hello");
  EXPECT_EQ(r.Header("X-Test"), "yes");
  EXPECT_EQ(r.Header("Content-Type"), "text/plain");
}

TEST_F(HttpServerTest, PassesHeadersThrough) {
  StartServer([](const HttpRequest& r) {
    HttpResponse res;
    for (const auto& [k, v] : r.headers) {
      if (k == "X-Custom") res.body = v;
    }
    return res;
  });
  CurlResult r = Curl().Post(Url("/"), "", {"X-Custom: abc"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "abc");
}

TEST_F(HttpServerTest, KeepsTheConnectionAliveBetweenRequests) {
  StartServer(Echo);
  Curl curl;
  CurlResult first = curl.Post(Url("/a"), "1");
  CurlResult second = curl.Post(Url("/b"), "2");
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(first.new_connections, 1);
  EXPECT_EQ(second.new_connections, 0);  // reused
  EXPECT_EQ(second.body, "POST /b ? [application/x-www-form-urlencoded] [] 2");
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  StartServer(Echo);
  RawClient c;
  ASSERT_FALSE(c.Connect(server_->port()));
  ASSERT_FALSE(
      c.Write("POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nA"
              "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nB"));
  http::response<http::string_body> res;
  ASSERT_FALSE(c.Read(&res));
  EXPECT_EQ(res.body(), "POST /one ? [] [] A");
  ASSERT_FALSE(c.Read(&res));
  EXPECT_EQ(res.body(), "POST /two ? [] [] B");
}

TEST_F(HttpServerTest, OversizeBodyAnswers413) {
  std::atomic<int> calls{0};
  HttpServerOptions options;
  options.max_request_body_bytes = 1000;
  StartServer(
      [&](const HttpRequest& r) {
        ++calls;
        return Echo(r);
      },
      options);
  // With and without "Expect: 100-continue": either way the answer is 413, not a reset.
  for (const char* expect : {"Expect:", "Expect: 100-continue"}) {
    CurlResult r = Curl().Post(Url("/"), std::string(5000, 'x'), {expect});
    ASSERT_EQ(r.code, CURLE_OK) << expect << ": " << curl_easy_strerror(r.code);
    EXPECT_EQ(r.status, 413) << expect;
    EXPECT_THAT(r.body, HasSubstr("exceeds the limit of 1000 bytes"));
  }
  CurlResult at_limit = Curl().Post(Url("/"), std::string(1000, 'x'));
  EXPECT_EQ(at_limit.status, 200);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(HttpServerTest, ZeroLimitAndTimeoutMeanTheDefaults) {
  HttpServerOptions options;
  options.max_request_body_bytes = 0;
  options.idle_timeout = std::chrono::seconds(0);
  StartServer(Echo, options);
  Curl curl;
  EXPECT_EQ(curl.Post(Url("/"), std::string(100000, 'x')).status, 200);
  CurlResult again = curl.Post(Url("/"), "y");  // the connection was not closed at once
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.new_connections, 0);
}

TEST_F(HttpServerTest, OversizeChunkedBodyAnswers413) {
  HttpServerOptions options;
  options.max_request_body_bytes = 1000;
  StartServer(Echo, options);
  RawClient c;
  ASSERT_FALSE(c.Connect(server_->port()));
  ASSERT_FALSE(c.Write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" +
                       std::string(2000, 'x') + "\r\n"));
  http::response<http::string_body> res;
  ASSERT_FALSE(c.Read(&res));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_FALSE(res.keep_alive());
}

TEST_F(HttpServerTest, DecompressesGzipAndZstdBodies) {
  StartServer(Echo);
  std::string body(10000, 'z');
  CurlResult gz = Curl().Post(Url("/"), Gzip(body), {"Content-Encoding: gzip"});
  EXPECT_EQ(gz.status, 200);
  EXPECT_THAT(gz.body, HasSubstr("[gzip] " + body));
  CurlResult zs = Curl().Post(Url("/"), Zstd(body), {"Content-Encoding: zstd"});
  EXPECT_EQ(zs.status, 200);
  EXPECT_THAT(zs.body, HasSubstr("[zstd] " + body));
}

TEST_F(HttpServerTest, CorruptOrUnknownEncodingAnswers400) {
  std::atomic<int> calls{0};
  StartServer([&](const HttpRequest& r) {
    ++calls;
    return Echo(r);
  });
  Curl curl;
  CurlResult corrupt = curl.Post(Url("/"), "not gzip at all", {"Content-Encoding: gzip"});
  EXPECT_EQ(corrupt.status, 400);
  EXPECT_THAT(corrupt.body, HasSubstr("gzip request body is corrupt"));
  CurlResult unknown = curl.Post(Url("/"), "x", {"Content-Encoding: br"});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr("unsupported Content-Encoding \"br\""));
  // The body was read to its end, so the connection stays usable.
  EXPECT_EQ(unknown.new_connections, 0);
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(HttpServerTest, DecompressedBodyOverTheLimitAnswers413) {
  HttpServerOptions options;
  options.max_request_body_bytes = 4096;
  StartServer(Echo, options);
  CurlResult r = Curl().Post(Url("/"), Zstd(std::string(1 << 20, 'a')), {"Content-Encoding: zstd"});
  EXPECT_EQ(r.status, 413);
}

TEST_F(HttpServerTest, ErrorFormatterShapesTheServersOwnErrors) {
  HttpServerOptions options;
  options.max_request_body_bytes = 10;
  options.error_formatter = [](const HttpRequest& r, int status, std::string_view message) {
    HttpResponse res;
    res.status = status;
    res.content_type = "application/json";
    res.body = "{\"path\":\"" + r.path + "\",\"message\":\"" + std::string(message) + "\"}";
    return res;
  };
  StartServer(Echo, options);
  CurlResult r = Curl().Post(Url("/v1/logs"), std::string(100, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            "{\"path\":\"/v1/logs\",\"message\":\"request body exceeds the limit of 10 bytes\"}");
}

TEST_F(HttpServerTest, SendsContinueBeforeReadingTheBody) {
  StartServer(Echo);
  RawClient c;
  ASSERT_FALSE(c.Connect(server_->port()));
  ASSERT_FALSE(
      c.Write("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  http::response<http::string_body> res;
  ASSERT_FALSE(c.Read(&res));
  ASSERT_EQ(res.result_int(), 100);
  ASSERT_FALSE(c.Write("body"));
  ASSERT_FALSE(c.Read(&res));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "POST /e ? [] [] body");
}

TEST_F(HttpServerTest, MalformedRequestAnswers400) {
  StartServer(Echo);
  RawClient c;
  ASSERT_FALSE(c.Connect(server_->port()));
  ASSERT_FALSE(c.Write("THIS IS NOT HTTP\r\n\r\n"));
  http::response<http::string_body> res;
  ASSERT_FALSE(c.Read(&res));
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_THAT(res.body(), StartsWith("malformed HTTP request"));
}

TEST_F(HttpServerTest, HandlerExceptionAnswers500) {
  StartServer([](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  CurlResult r = Curl().Post(Url("/"), "");
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("boom"));
}

TEST_F(HttpServerTest, Http10RequestGetsAnAnswerAndTheConnectionCloses) {
  StartServer(Echo);
  RawClient c;
  ASSERT_FALSE(c.Connect(server_->port()));
  ASSERT_FALSE(c.Write("POST /old HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi"));
  http::response<http::string_body> res;
  ASSERT_FALSE(c.Read(&res));
  EXPECT_EQ(res.version(), 10);
  EXPECT_EQ(res.body(), "POST /old ? [] [] hi");
  EXPECT_TRUE(IsClosedByPeer(c.WaitForClose()));
}

TEST_F(HttpServerTest, ClosesIdleConnectionsAfterTheIdleTimeout) {
  HttpServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  StartServer(Echo, options);
  RawClient c;
  ASSERT_FALSE(c.Connect(server_->port()));
  EXPECT_TRUE(IsClosedByPeer(c.WaitForClose()));
}

TEST_F(HttpServerTest, BusyPortFailsNamingTheEndpoint) {
  StartServer(Echo);
  std::string endpoint = "127.0.0.1:" + std::to_string(server_->port());
  HttpServerOptions options;
  options.endpoint = endpoint;
  absl::StatusOr<std::unique_ptr<HttpServer>> second = HttpServer::Start(io_, options, Echo);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(std::string(second.status().message()),
            "listen on " + endpoint + ": address already in use");
}

TEST_F(HttpServerTest, BadEndpointFails) {
  HttpServerOptions options;
  options.endpoint = "127.0.0.1";  // no port
  absl::StatusOr<std::unique_ptr<HttpServer>> s = HttpServer::Start(io_, options, Echo);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("127.0.0.1"));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAndRefusesNewOnes) {
  StartServer(Echo);
  uint16_t port = server_->port();
  RawClient c;
  ASSERT_FALSE(c.Connect(port));
  ASSERT_FALSE(c.Write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
  http::response<http::string_body> res;
  ASSERT_FALSE(c.Read(&res));
  ASSERT_TRUE(res.keep_alive());  // now idle on a live connection

  server_->Stop();
  EXPECT_TRUE(IsClosedByPeer(c.WaitForClose()));
  RawClient late;
  EXPECT_EQ(late.Connect(port), asio::error::connection_refused);
  server_->Stop();  // idempotent
}

TEST_F(HttpServerTest, StopWaitsForARunningHandlerAndItsAnswerIsDelivered) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, release = false;  // guarded by mu
  std::atomic<bool> handler_done{false};
  StartServer([&](const HttpRequest& r) {
    std::unique_lock<std::mutex> lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    handler_done = true;
    return Echo(r);
  });

  auto request = std::async(std::launch::async, [&] { return Curl().Post(Url("/slow"), "x"); });
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, kDeadline, [&] { return entered; }));
  }
  uint16_t port = server_->port();
  auto stop = std::async(std::launch::async, [&] { server_->Stop(); });
  // Wait until Stop has begun: it closes the listener first, so connections are refused.
  bool refused = false;
  for (auto deadline = std::chrono::steady_clock::now() + kDeadline;
       !refused && std::chrono::steady_clock::now() < deadline;) {
    refused = RawClient().Connect(port) == asio::error::connection_refused;
  }
  ASSERT_TRUE(refused);
  // Stop cannot return while the handler is blocked.
  EXPECT_EQ(stop.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  stop.get();
  EXPECT_TRUE(handler_done.load());
  CurlResult r = request.get();
  ASSERT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /slow ? [application/x-www-form-urlencoded] [] x");
  EXPECT_EQ(r.Header("Connection"), "close");
}

TEST_F(HttpServerTest, StopFromInsideTheHandlerDoesNotDeadlock) {
  std::atomic<HttpServer*> self{nullptr};
  StartServer([&](const HttpRequest& r) {
    self.load()->Stop();
    return Echo(r);
  });
  self = server_.get();
  CurlResult r = Curl().Post(Url("/"), "x");
  EXPECT_EQ(r.status, 200);
  server_->Stop();
}

TEST_F(HttpServerTest, DestroyingTheServerStopsIt) {
  StartServer(Echo);
  uint16_t port = server_->port();
  server_.reset();
  RawClient late;
  EXPECT_EQ(late.Connect(port), asio::error::connection_refused);
}

TEST(HttpServer, ResolvesLocalhost) {
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread t([&] { io.run(); });
  HttpServerOptions options;
  options.endpoint = "localhost:0";
  absl::StatusOr<std::unique_ptr<HttpServer>> s = HttpServer::Start(io, options, Echo);
  ASSERT_TRUE(s.ok()) << s.status();
  CurlResult r = Curl().Post("http://127.0.0.1:" + std::to_string((*s)->port()) + "/", "x");
  EXPECT_EQ(r.status, 200);
  s->reset();
  guard.reset();
  t.join();
}

}  // namespace
}  // namespace ocelot::net
