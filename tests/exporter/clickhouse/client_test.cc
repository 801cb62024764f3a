// The HTTP client against an in-process fake ClickHouse: what goes on the wire (URL parameters,
// credentials in headers only, compressed bodies) and how answers are classified.
#include "exporter/clickhouse/client.h"

#include <gtest/gtest.h>

#include <mutex>

#include "consumer/consumer.h"
#include "net/http_server.h"
#include "testing/test_host.h"

namespace ocelot::exporter::clickhouse {
namespace {

bool Contains(absl::string_view haystack, absl::string_view needle) {
  return haystack.find(needle) != absl::string_view::npos;
}

exporterhelper::Deadline Soon() {
  return std::chrono::steady_clock::now() + std::chrono::seconds(10);
}

class FakeClickHouse : public ::testing::Test {
 protected:
  void SetUp() override {
    net::HttpServerOptions options;
    options.endpoint = "127.0.0.1:0";
    auto server = net::HttpServer::Start(host_.io_context(), options,
                                         [this](const net::HttpRequest& r) { return Handle(r); });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    connection_.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
    connection_.user = "otel";
    connection_.password = "pa$$word";
    connection_.database = "otel";
    connection_.settings = {{"async_insert", "1"}};
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  net::HttpResponse Handle(const net::HttpRequest& r) {
    std::lock_guard lock(mu_);
    requests_.push_back(r);
    return answer_;
  }
  std::string Header(const net::HttpRequest& r, std::string name) {
    for (const auto& [k, v] : r.headers) {
      std::string lower = k;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == name) return v;
    }
    return "";
  }
  void Answer(int status, std::string body, std::string code = "") {
    std::lock_guard lock(mu_);
    answer_ = net::HttpResponse{};
    answer_.status = status;
    answer_.body = std::move(body);
    if (!code.empty()) answer_.headers.push_back({"X-ClickHouse-Exception-Code", code});
  }

  testing::TestHost host_;
  std::unique_ptr<net::HttpServer> server_;
  std::mutex mu_;  // guards requests_, answer_
  std::vector<net::HttpRequest> requests_;
  net::HttpResponse answer_;
  Connection connection_;
};

TEST_F(FakeClickHouse, InsertPutsTheQueryInTheUrlAndTheRowsInTheBody) {
  connection_.compression = "zstd";
  Client client(connection_);
  InsertBlock block{"otel_traces", "Timestamp, TraceId", std::string("\x01\x02rows", 6), 1};
  ASSERT_TRUE(client.Insert(block, Soon()).ok());
  ASSERT_EQ(requests_.size(), 1u);
  const net::HttpRequest& r = requests_[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.query,
            "database=otel&async_insert=1&query=INSERT%20INTO%20otel.otel_traces%20%28Timestamp%2C%"
            "20TraceId%29%20FORMAT%20RowBinary");
  EXPECT_EQ(r.content_encoding, "zstd");
  EXPECT_EQ(r.body, block.body);  // the server decompressed it
  EXPECT_EQ(Header(r, "x-clickhouse-user"), "otel");
  EXPECT_EQ(Header(r, "x-clickhouse-key"), "pa$$word");
  EXPECT_FALSE(Contains(r.query, "pa$$word"));
}

TEST_F(FakeClickHouse, GzipBodiesAndKeepAlive) {
  connection_.compression = "gzip";
  Client client(connection_);
  InsertBlock block{"t", "a", std::string(10000, 'x'), 1};
  ASSERT_TRUE(client.Insert(block, Soon()).ok());
  ASSERT_TRUE(client.Insert(block, Soon()).ok());
  ASSERT_EQ(requests_.size(), 2u);
  EXPECT_EQ(requests_[1].content_encoding, "gzip");
  EXPECT_EQ(requests_[1].body, block.body);
}

TEST_F(FakeClickHouse, StatementsAreTheBody) {
  Answer(200, "1\n");
  Client client(connection_);
  auto r = client.Execute("SELECT 1", Soon());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "1\n");
  auto db = client.Execute("CREATE DATABASE IF NOT EXISTS otel", Soon(), /*in_database=*/false);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(requests_[0].body, "SELECT 1");
  EXPECT_EQ(requests_[0].query, "database=otel&async_insert=1");
  EXPECT_EQ(requests_[1].query, "async_insert=1");
}

TEST_F(FakeClickHouse, AuthenticationFailureIsPermanentAndNamesTheUser) {
  Answer(403,
         "Code: 516. DB::Exception: otel: Authentication failed: password is incorrect, or there "
         "is no user with such name. (AUTHENTICATION_FAILED) (version 26.1.1.1)\n",
         "516");
  Client client(connection_);
  absl::Status s = client.Insert({"t", "a", "x", 1}, Soon());
  EXPECT_FALSE(consumer::IsRetryable(s)) << s;
  EXPECT_TRUE(Contains(s.message(), "ClickHouse at " + connection_.base_url +
                                        ": authentication failed for user \"otel\" (code 516): "
                                        "otel: Authentication failed"))
      << s;
  EXPECT_FALSE(Contains(s.message(), "version")) << s;
  EXPECT_FALSE(Contains(s.message(), "pa$$word")) << s;
}

TEST_F(FakeClickHouse, ARefusedConnectionIsRetryableAndNamesTheServer) {
  std::string url = connection_.base_url;
  server_->Stop();
  server_.reset();
  Client client(connection_);
  absl::Status s = client.Execute("SELECT 1", Soon()).status();
  EXPECT_TRUE(consumer::IsRetryable(s)) << s;
  EXPECT_TRUE(Contains(s.message(), "cannot reach ClickHouse at " + url + ": ")) << s;
}

TEST(ClickHouseErrors, ClassifiesByExceptionCode) {
  Connection c;
  c.base_url = "http://h:8123";
  c.user = "u";
  c.database = "otel";
  struct Case {
    long http;
    int code;
    bool retryable;
    const char* words;
  };
  const Case cases[] = {
      {500, 252, true, "too many parts"},
      {500, 241, true, "memory limit exceeded"},
      {500, 159, true, ""},                 // TIMEOUT_EXCEEDED
      {503, 0, true, "answered HTTP 503"},  // a proxy in front
      {502, 0, true, "answered HTTP 502"},
      {500, 1002, true, ""},  // unknown server error: may pass
      {403, 516, false, "authentication failed for user \"u\""},
      {404, 81, false, "database \"otel\" does not exist"},
      {403, 497, false, "user \"u\" lacks permission"},
      {500, 164, false, "user \"u\" lacks permission"},
      {400, 62, false, "(code 62)"},
      {500, 53, false, "(code 53)"},  // TYPE_MISMATCH, whatever the status
      {404, 60, false, "table does not exist"},
      {400, 0, false, "answered HTTP 400"},
  };
  for (const Case& k : cases) {
    absl::Status s = Classify(c, k.http, k.code, "");
    EXPECT_EQ(consumer::IsRetryable(s), k.retryable) << k.http << " " << k.code << " " << s;
    EXPECT_TRUE(Contains(s.message(), k.words)) << s;
  }
  // Without the header, the code comes from the body.
  absl::Status s = Classify(c, 500, 0, "Code: 252. DB::Exception: Too many parts (300).");
  EXPECT_TRUE(consumer::IsRetryable(s)) << s;
  EXPECT_TRUE(Contains(s.message(), "(code 252): Too many parts (300)")) << s;
}

}  // namespace
}  // namespace ocelot::exporter::clickhouse
