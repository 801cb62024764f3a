// Tests for the OTLP/HTTP handler: routing, method and Content-Type checks, protobuf and JSON
// decoding into the pipeline, and the HTTP answers (bodies, google.rpc.Status, Retry-After).
#include "receiver/otlp/http_handler.h"

#include <gmock/gmock.h>
#include <google/protobuf/unknown_field_set.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "consumer/consumer.h"
#include "pdata/batch.h"

namespace ocelot::receiver::otlp {
namespace {

using ::testing::HasSubstr;

template <typename BatchT>
class FakeConsumer : public consumer::Consumer<BatchT> {
 public:
  absl::Status Consume(BatchT batch) override {
    std::lock_guard<std::mutex> lock(mu_);
    received_.push_back(std::move(batch));
    return result_;
  }
  void set_result(absl::Status s) { result_ = std::move(s); }
  std::vector<BatchT>& received() { return received_; }

 private:
  std::mutex mu_;  // guards received_
  std::vector<BatchT> received_;
  absl::Status result_;
};

// google.rpc.Status read without generated code: field 1 code, field 2 message.
struct RpcStatus {
  int code = 0;
  std::string message;
};
RpcStatus DecodeProtoStatus(const std::string& bytes) {
  google::protobuf::UnknownFieldSet fields;
  EXPECT_TRUE(fields.ParseFromString(bytes)) << "not protobuf";
  RpcStatus s;
  for (int i = 0; i < fields.field_count(); ++i) {
    const auto& f = fields.field(i);
    if (f.number() == 1) s.code = static_cast<int>(f.varint());
    if (f.number() == 2) s.message = f.length_delimited();
  }
  return s;
}

std::optional<std::string> Header(const net::HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

pdata::TracesRequest SampleTraces() {
  pdata::TracesRequest req;
  auto* span = req.add_resource_spans()->add_scope_spans()->add_spans();
  span->set_name("checkout");
  span->set_trace_id(std::string(16, '\x01'));
  span->set_span_id(std::string(8, '\x02'));
  return req;
}

pdata::MetricsRequest SampleMetrics() {
  pdata::MetricsRequest req;
  auto* metric = req.add_resource_metrics()->add_scope_metrics()->add_metrics();
  metric->set_name("requests");
  metric->mutable_gauge()->add_data_points()->set_as_int(7);
  return req;
}

pdata::LogsRequest SampleLogs() {
  pdata::LogsRequest req;
  auto* log = req.add_resource_logs()->add_scope_logs()->add_log_records();
  log->mutable_body()->set_string_value("hello");
  return req;
}

constexpr char kJsonTraces[] =
    R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10",)"
    R"("spanId":"0102030405060708","name":"checkout"}]}]}]})";
constexpr char kJsonMetrics[] =
    R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"requests",)"
    R"("gauge":{"dataPoints":[{"asInt":"7"}]}}]}]}]})";
constexpr char kJsonLogs[] =
    R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hello"}}]}]}]})";

net::HttpRequest Post(std::string path, std::string content_type, std::string body) {
  net::HttpRequest r;
  r.method = "POST";
  r.path = std::move(path);
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

class HttpHandlerTest : public ::testing::Test {
 protected:
  HttpHandler& handler() { return handler_; }

  FakeConsumer<pdata::Traces> traces_;
  FakeConsumer<pdata::Metrics> metrics_;
  FakeConsumer<pdata::Logs> logs_;
  HttpHandler handler_{HttpPaths{}, component::NextConsumers{&traces_, &metrics_, &logs_}};
};

TEST_F(HttpHandlerTest, ProtobufTracesReachTheConsumer) {
  net::HttpResponse r = handler().Handle(
      Post("/v1/traces", "application/x-protobuf", SampleTraces().SerializeAsString()));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/x-protobuf");
  // What otelcol answers: an empty partial_success, present.
  EXPECT_EQ(r.body, std::string("\x0a\x00", 2));
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(r.body));
  EXPECT_TRUE(response.has_partial_success());

  ASSERT_EQ(traces_.received().size(), 1u);
  const pdata::Traces& batch = traces_.received()[0];
  EXPECT_EQ(batch.item_count(), 1u);
  EXPECT_EQ(batch.entries()[0].chunk->message().resource_spans(0).scope_spans(0).spans(0).name(),
            "checkout");
}

TEST_F(HttpHandlerTest, HeadersBecomeClientMetadataOnlyWithIncludeMetadata) {
  net::HttpRequest request =
      Post("/v1/traces", "application/x-protobuf", SampleTraces().SerializeAsString());
  request.headers = {{"X-Tenant", "acme"}, {"Content-Type", "application/x-protobuf"}};
  ASSERT_EQ(handler().Handle(request).status, 200);
  HttpPaths paths;
  paths.include_metadata = true;
  HttpHandler with_metadata(paths, component::NextConsumers{&traces_, &metrics_, &logs_});
  ASSERT_EQ(with_metadata.Handle(request).status, 200);

  ASSERT_EQ(traces_.received().size(), 2u);
  EXPECT_EQ(traces_.received()[0].entries()[0].chunk->metadata(), nullptr);
  const pdata::ClientMetadata* m = traces_.received()[1].entries()[0].chunk->metadata();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->Get("x-tenant"), std::vector<std::string>{"acme"});
  EXPECT_EQ(m->Get("X-TENANT"), std::vector<std::string>{"acme"});
}

TEST_F(HttpHandlerTest, InvalidUtf8InAStringFieldIsAcceptedAsOtelcolAcceptsIt) {
  // otelcol (gogo protobuf) does not check UTF-8; protobuf C++ would refuse the request if the
  // field were declared string (proto/README.md).
  pdata::TracesRequest req = SampleTraces();
  req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name("bad\xff");
  net::HttpResponse r =
      handler().Handle(Post("/v1/traces", "application/x-protobuf", req.SerializeAsString()));
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(traces_.received().size(), 1u);
  EXPECT_EQ(traces_.received()[0]
                .entries()[0]
                .chunk->message()
                .resource_spans(0)
                .scope_spans(0)
                .spans(0)
                .name(),
            "bad\xff");
}

TEST_F(HttpHandlerTest, JsonTracesReachTheConsumerAndTheAnswerIsJson) {
  net::HttpResponse r =
      handler().Handle(Post("/v1/traces", "application/json; charset=utf-8", kJsonTraces));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"partialSuccess":{}})");
  ASSERT_EQ(traces_.received().size(), 1u);
  const auto& span =
      traces_.received()[0].entries()[0].chunk->message().resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(span.name(), "checkout");
  EXPECT_EQ(span.trace_id(), std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
                                         "\x0e\x0f\x10",
                                         16));
}

TEST_F(HttpHandlerTest, MetricsAndLogsReachTheirConsumers) {
  EXPECT_EQ(handler()
                .Handle(Post("/v1/metrics", "application/x-protobuf",
                             SampleMetrics().SerializeAsString()))
                .status,
            200);
  EXPECT_EQ(handler().Handle(Post("/v1/metrics", "application/json", kJsonMetrics)).status, 200);
  EXPECT_EQ(
      handler()
          .Handle(Post("/v1/logs", "application/x-protobuf", SampleLogs().SerializeAsString()))
          .status,
      200);
  EXPECT_EQ(handler().Handle(Post("/v1/logs", "Application/JSON", kJsonLogs)).status, 200);

  ASSERT_EQ(metrics_.received().size(), 2u);
  for (const pdata::Metrics& b : metrics_.received()) {
    EXPECT_EQ(b.item_count(), 1u);
    EXPECT_EQ(
        b.entries()[0].chunk->message().resource_metrics(0).scope_metrics(0).metrics(0).name(),
        "requests");
  }
  ASSERT_EQ(logs_.received().size(), 2u);
  for (const pdata::Logs& b : logs_.received()) {
    EXPECT_EQ(b.item_count(), 1u);
    EXPECT_EQ(b.entries()[0]
                  .chunk->message()
                  .resource_logs(0)
                  .scope_logs(0)
                  .log_records(0)
                  .body()
                  .string_value(),
              "hello");
  }
  EXPECT_TRUE(traces_.received().empty());
}

TEST_F(HttpHandlerTest, EmptyRequestIsAcknowledgedWithoutConsuming) {
  net::HttpResponse r = handler().Handle(Post("/v1/traces", "application/x-protobuf", ""));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(traces_.received().empty());
}

TEST_F(HttpHandlerTest, UnknownPathAnswers404WithStatus) {
  net::HttpResponse r = handler().Handle(
      Post("/v1/spans", "application/x-protobuf", SampleTraces().SerializeAsString()));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/x-protobuf");
  RpcStatus s = DecodeProtoStatus(r.body);
  EXPECT_EQ(s.code, 12);  // UNIMPLEMENTED, gRPC's code for HTTP 404
  EXPECT_THAT(s.message, HasSubstr("\"/v1/spans\""));
  EXPECT_THAT(s.message, HasSubstr("/v1/traces, /v1/metrics, /v1/logs"));
}

TEST_F(HttpHandlerTest, UnroutedSignalAnswers404) {
  FakeConsumer<pdata::Traces> traces;
  HttpHandler only_traces(HttpPaths{}, component::NextConsumers{&traces, nullptr, nullptr});
  net::HttpResponse r = only_traces.Handle(Post("/v1/logs", "application/json", kJsonLogs));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_THAT(r.body, HasSubstr(R"("code":12)"));
  EXPECT_EQ(only_traces.Handle(Post("/v1/traces", "application/json", kJsonTraces)).status, 200);
}

TEST_F(HttpHandlerTest, CustomPathsAreServed) {
  FakeConsumer<pdata::Traces> traces;
  HttpHandler custom(HttpPaths{"/custom/t", "/custom/m", "/custom/l"},
                     component::NextConsumers{&traces, nullptr, nullptr});
  EXPECT_EQ(custom.Handle(Post("/custom/t", "application/json", kJsonTraces)).status, 200);
  EXPECT_EQ(custom.Handle(Post("/v1/traces", "application/json", kJsonTraces)).status, 404);
}

TEST_F(HttpHandlerTest, NonPostAnswers405WithAllow) {
  net::HttpRequest get = Post("/v1/traces", "application/json", "");
  get.method = "GET";
  net::HttpResponse r = handler().Handle(get);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Header(r, "Allow"), "POST");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"code":2,"message":"405 method not allowed, supported: [POST]"})");
  EXPECT_TRUE(traces_.received().empty());
}

TEST_F(HttpHandlerTest, UnsupportedContentTypeAnswers415) {
  net::HttpResponse r = handler().Handle(Post("/v1/traces", "text/plain", "x"));
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.content_type, "application/x-protobuf");
  EXPECT_THAT(DecodeProtoStatus(r.body).message,
              HasSubstr("supported: [application/json, application/x-protobuf]"));

  // Something JSON-like, but not application/json: the error comes back as JSON.
  r = handler().Handle(Post("/v1/traces", "text/json", "{}"));
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_THAT(r.body, HasSubstr("415 unsupported media type"));

  r = handler().Handle(Post("/v1/traces", "", "x"));
  EXPECT_EQ(r.status, 415);
  EXPECT_TRUE(traces_.received().empty());
}

TEST_F(HttpHandlerTest, InvalidProtobufAnswers400) {
  net::HttpResponse r =
      handler().Handle(Post("/v1/metrics", "application/x-protobuf", "\xff\xff\xff\xff"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/x-protobuf");
  RpcStatus s = DecodeProtoStatus(r.body);
  EXPECT_EQ(s.code, 3);  // INVALID_ARGUMENT
  EXPECT_EQ(s.message, "request body is not a valid ExportMetricsServiceRequest protobuf");
  EXPECT_TRUE(metrics_.received().empty());
}

TEST_F(HttpHandlerTest, InvalidJsonAnswers400NamingTheField) {
  net::HttpResponse r = handler().Handle(
      Post("/v1/traces", "application/json",
           R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not hex"}]}]}]})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_THAT(r.body, HasSubstr(R"({"code":3,"message":"request body is not a valid )"
                                R"(ExportTraceServiceRequest JSON: )"));
  EXPECT_THAT(r.body, HasSubstr("traceId"));
  EXPECT_TRUE(traces_.received().empty());

  r = handler().Handle(Post("/v1/traces", "application/json", "{not json"));
  EXPECT_EQ(r.status, 400);
}

TEST_F(HttpHandlerTest, RetryableConsumerErrorAnswers503WithRetryAfter) {
  traces_.set_result(consumer::Retryable("sending queue is full"));
  net::HttpResponse r = handler().Handle(
      Post("/v1/traces", "application/x-protobuf", SampleTraces().SerializeAsString()));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Header(r, "Retry-After"), "5");
  RpcStatus s = DecodeProtoStatus(r.body);
  EXPECT_EQ(s.code, 14);  // UNAVAILABLE
  EXPECT_EQ(s.message, "sending queue is full");

  traces_.set_result(absl::ResourceExhaustedError("memory limit"));
  r = handler().Handle(Post("/v1/traces", "application/json", kJsonTraces));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Header(r, "Retry-After"), "5");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"code":8,"message":"memory limit"})");
}

TEST_F(HttpHandlerTest, PermanentConsumerErrorAnswers400) {
  logs_.set_result(consumer::Permanent("cannot export: bad \"attribute\"\n\xff"));
  net::HttpResponse r = handler().Handle(Post("/v1/logs", "application/json", kJsonLogs));
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(Header(r, "Retry-After").has_value());
  // Quotes and newlines escaped; the invalid byte replaced so the body stays valid UTF-8.
  EXPECT_EQ(r.body,
            "{\"code\":3,\"message\":\"cannot export: bad \\\"attribute\\\"\\n\xef\xbf\xbd\"}");
}

TEST(HttpHandlerErrorResponse, AnswersInTheRequestsEncoding) {
  net::HttpRequest json = Post("/v1/traces", "application/json", "");
  net::HttpResponse r = HttpHandler::ErrorResponse(json, 413, "too big");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"code":8,"message":"too big"})");

  net::HttpRequest proto = Post("/v1/traces", "application/x-protobuf", "");
  r = HttpHandler::ErrorResponse(proto, 400, "unsupported Content-Encoding \"br\"");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/x-protobuf");
  RpcStatus s = DecodeProtoStatus(r.body);
  EXPECT_EQ(s.code, 3);
  EXPECT_EQ(s.message, "unsupported Content-Encoding \"br\"");
}

// End to end: the handler behind the real server, with its error format for the server's own
// errors, as the otlp receiver wires them.
namespace beast = boost::beast;
namespace http = beast::http;

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

// One request on a fresh connection, every step under a deadline.
http::response<http::string_body> PostOverHttp(uint16_t port, const std::string& path,
                                               const std::string& content_type,
                                               const std::string& encoding,
                                               const std::string& body) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::string_body> req(http::verb::post, path, 11);
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, content_type);
  if (!encoding.empty()) req.set(http::field::content_encoding, encoding);
  req.body() = body;
  req.prepare_payload();
  http::response<http::string_body> res;
  beast::error_code failure;
  stream.expires_after(std::chrono::seconds(20));
  stream.async_connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port),
      [&](beast::error_code ec) {
        if (ec) return void(failure = ec);
        http::async_write(stream, req, [&](beast::error_code ec, size_t) {
          if (ec) return void(failure = ec);
          http::async_read(stream, buffer, res,
                           [&](beast::error_code ec, size_t) { failure = ec; });
        });
      });
  io.run();
  EXPECT_FALSE(failure) << failure.message();
  return res;
}

TEST(OtlpHttpOverServer, AnswersInOtlpFormThroughTheServer) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread thread([&] { io.run(); });

  FakeConsumer<pdata::Traces> traces;
  HttpHandler handler(HttpPaths{}, component::NextConsumers{&traces, nullptr, nullptr});
  net::HttpServerOptions options;
  options.endpoint = "127.0.0.1:0";
  options.max_request_body_bytes = 4096;
  options.error_formatter = &HttpHandler::ErrorResponse;
  auto server = net::HttpServer::Start(
      io, options, [&](const net::HttpRequest& r) { return handler.Handle(r); });
  ASSERT_TRUE(server.ok()) << server.status();
  uint16_t port = (*server)->port();

  auto ok = PostOverHttp(port, "/v1/traces", "application/json", "gzip", Gzip(kJsonTraces));
  EXPECT_EQ(ok.result_int(), 200);
  EXPECT_EQ(ok.body(), R"({"partialSuccess":{}})");
  EXPECT_EQ(traces.received().size(), 1u);

  auto corrupt = PostOverHttp(port, "/v1/traces", "application/json", "gzip", "not gzip");
  EXPECT_EQ(corrupt.result_int(), 400);
  EXPECT_EQ(corrupt[http::field::content_type], "application/json");
  EXPECT_THAT(std::string(corrupt.body()), HasSubstr(R"({"code":3,"message":"gzip request)"));

  auto big = PostOverHttp(port, "/v1/traces", "application/x-protobuf", "", std::string(5000, 'x'));
  EXPECT_EQ(big.result_int(), 413);
  EXPECT_EQ(big[http::field::content_type], "application/x-protobuf");
  EXPECT_EQ(DecodeProtoStatus(big.body()).code, 8);  // RESOURCE_EXHAUSTED

  (*server)->Stop();
  guard.reset();
  thread.join();
}

}  // namespace
}  // namespace ocelot::receiver::otlp
