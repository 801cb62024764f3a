// The otlphttp exporter against an in-process HTTP server: URL, encoding, compression and
// headers on the wire; status classification (400 permanent, 503/429 retryable with
// Retry-After, refused connection retryable); partial success; the option table.
#include "exporter/otlphttp/http_sender.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "config/loader.h"
#include "exporter/otlphttp/factory.h"
#include "exporterhelper/exporter.h"
#include "net/http_server.h"
#include "pdata/otlp_json.h"
#include "testing/otlp_fixtures.h"
#include "testing/test_host.h"
#include "testing/wait.h"

namespace ocelot::exporter::otlphttp {
namespace {

using std::chrono::milliseconds;

class HttpSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::HttpServerOptions options;
    options.endpoint = "127.0.0.1:0";
    auto server = net::HttpServer::Start(host_.io_context(), options,
                                         [this](const net::HttpRequest& r) { return Handle(r); });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    config_.endpoint = "http://127.0.0.1:" + std::to_string(server_->port());
    settings_.id = component::Id{"otlphttp", ""};
    settings_.logger = spdlog::default_logger();
    settings_.metrics = &metrics_;
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  net::HttpResponse Handle(const net::HttpRequest& r) {
    std::lock_guard lock(mu_);
    requests_.push_back(r);
    return answer_;
  }

  absl::Status SendOnce(const pdata::Traces& batch) {
    HttpSender sender(config_, settings_);
    EXPECT_TRUE(sender.Start(host_).ok());
    absl::Status s =
        sender.Send(batch, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    sender.Shutdown();
    return s;
  }
  std::string Header(const net::HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      std::string lower = k;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == name) return v;
    }
    return "";
  }

  testing::TestHost host_;
  std::unique_ptr<net::HttpServer> server_;
  std::mutex mu_;  // guards requests_, answer_
  std::vector<net::HttpRequest> requests_;
  net::HttpResponse answer_;
  Config config_;
  component::CreateSettings settings_;
  telemetry::MetricsRegistry metrics_;
};

TEST_F(HttpSenderTest, PostsGzippedProtobufWithHeadersToTheSignalsPath) {
  config_.headers = {{"signoz-ingestion-key", "k1"}};
  pdata::Traces batch(testing::MakeTraces(1, 3));
  batch.Append(testing::MakeTraces(2, 2, "other"));
  ASSERT_TRUE(SendOnce(batch).ok());
  std::lock_guard lock(mu_);
  ASSERT_EQ(requests_.size(), 1u);
  const net::HttpRequest& r = requests_[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/v1/traces");
  EXPECT_EQ(r.content_type, "application/x-protobuf");
  EXPECT_EQ(r.content_encoding, "gzip");
  EXPECT_EQ(Header(r, "signoz-ingestion-key"), "k1");
  pdata::TracesRequest got;
  ASSERT_TRUE(got.ParseFromString(r.body));
  EXPECT_EQ(pdata::CountItems(got), 7u);
}

TEST_F(HttpSenderTest, JsonEncodingAndZstdAndAnEndpointOverride) {
  config_.encoding = "json";
  config_.compression = "zstd";
  config_.traces_endpoint = config_.endpoint + "/custom/traces";
  pdata::Traces batch(testing::MakeTraces(1, 2));
  batch.Append(testing::MakeTraces(1, 2));
  ASSERT_TRUE(SendOnce(batch).ok());
  std::lock_guard lock(mu_);
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0].path, "/custom/traces");
  EXPECT_EQ(requests_[0].content_type, "application/json");
  EXPECT_EQ(requests_[0].content_encoding, "zstd");
  pdata::TracesRequest got;
  ASSERT_TRUE(pdata::ParseOtlpJson(requests_[0].body, &got).ok());
  EXPECT_EQ(pdata::CountItems(got), 4u);
}

TEST_F(HttpSenderTest, BadRequestIsPermanentAndCarriesTheServersMessage) {
  answer_.status = 400;
  answer_.content_type = "application/x-protobuf";
  const std::string message = "span too big";
  answer_.body = std::string("\x08\x03\x12", 3) + static_cast<char>(message.size()) + message;
  absl::Status s = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(consumer::IsRetryable(s)) << s;
  EXPECT_NE(s.message().find("HTTP Status Code 400, Message=span too big"), absl::string_view::npos)
      << s;
}

TEST_F(HttpSenderTest, ServiceUnavailableIsRetryableAfterTheAskedDelay) {
  answer_.status = 503;
  answer_.headers = {{"Retry-After", "7"}};
  absl::Status s = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
  EXPECT_TRUE(consumer::IsRetryable(s)) << s;
  auto delay = exporterhelper::RetryAfterOf(s);
  ASSERT_TRUE(delay.has_value());
  EXPECT_EQ(*delay, std::chrono::seconds(7));
}

TEST_F(HttpSenderTest, TooManyRequestsAndGatewayErrorsAreRetryable) {
  for (int status : {429, 502, 504}) {
    answer_.status = status;
    absl::Status s = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
    EXPECT_TRUE(consumer::IsRetryable(s)) << status << " " << s;
    EXPECT_FALSE(exporterhelper::RetryAfterOf(s).has_value());
  }
  answer_.status = 404;
  EXPECT_FALSE(consumer::IsRetryable(SendOnce(pdata::Traces(testing::MakeTraces(1, 1)))));
}

TEST_F(HttpSenderTest, ARefusedConnectionIsRetryable) {
  server_->Stop();
  server_.reset();
  absl::Status s = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
  EXPECT_TRUE(consumer::IsRetryable(s)) << s;
}

TEST_F(HttpSenderTest, PartialSuccessIsLoggedAndCounted) {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
  response.mutable_partial_success()->set_rejected_spans(3);
  response.mutable_partial_success()->set_error_message("too old");
  answer_.content_type = "application/x-protobuf";
  answer_.body = response.SerializeAsString();
  ASSERT_TRUE(SendOnce(pdata::Traces(testing::MakeTraces(1, 5))).ok());
  EXPECT_EQ(
      metrics_.Value("ocelot_exporter_partial_success_rejected_spans", {{"exporter", "otlphttp"}}),
      3);
}

TEST_F(HttpSenderTest, TheExporterDropsARejectedBatchAndTheRestFlows) {
  exporterhelper::Settings helper = config_.helper;
  helper.retry.initial_interval = milliseconds(5);
  helper.queue.num_consumers = 1;
  exporterhelper::Exporter e(settings_, helper, std::make_unique<HttpSender>(config_, settings_));
  ASSERT_TRUE(e.Start(host_).ok());
  {
    std::lock_guard lock(mu_);
    answer_.status = 400;
  }
  ASSERT_TRUE(e.Consume(pdata::Traces(testing::MakeTraces(1, 4))).ok());
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        return metrics_.Value("otelcol_exporter_send_failed_spans", {{"exporter", "otlphttp"}}) ==
               4;
      },
      milliseconds(10000)));
  {
    std::lock_guard lock(mu_);
    answer_.status = 200;
  }
  ASSERT_TRUE(e.Consume(pdata::Traces(testing::MakeTraces(1, 6))).ok());
  EXPECT_TRUE(testing::WaitUntil(
      [&] {
        return metrics_.Value("otelcol_exporter_sent_spans", {{"exporter", "otlphttp"}}) == 6;
      },
      milliseconds(10000)));
  e.Shutdown();
  std::lock_guard lock(mu_);
  EXPECT_EQ(requests_.size(), 2u);  // the rejected batch was not retried
}

std::vector<std::string> Validate(const std::string& yaml) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok());
  config::Diagnostics diag;
  config::MapDecoder d(*node, "exporters::otlphttp", &diag);
  auto cfg = MakeFactory()->CreateDefaultConfig();
  cfg->Decode(d);
  d.Finish();
  cfg->Validate(d);
  return diag.errors();
}

TEST(OtlpHttpExporterConfig, AcceptsOtelcolKeys) {
  auto errors = Validate(
      "endpoint: https://otlp.example.com:4318\n"
      "traces_endpoint: https://otlp.example.com/v1/traces\n"
      "encoding: json\n"
      "compression: zstd\n"
      "timeout: 10s\n"
      "headers: {api-key: x}\n"
      "tls: {insecure_skip_verify: true, min_version: '1.3'}\n"
      "max_idle_conns: 10\n"
      "idle_conn_timeout: 30s\n"
      "retry_on_failure: {max_elapsed_time: 60s}\n"
      "sending_queue: {queue_size: 10}\n");
  EXPECT_TRUE(errors.empty()) << errors[0];
}

TEST(OtlpHttpExporterConfig, RequiresAnEndpointAndAKnownEncoding) {
  auto errors = Validate("encoding: xml\n");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE((errors[0] + errors[1]).find("at least one endpoint must be specified"),
            std::string::npos);
}

TEST(OtlpHttpExporterConfig, DefaultsMatchOtelcol) {
  auto cfg = MakeFactory()->CreateDefaultConfig();
  const auto& c = static_cast<const Config&>(*cfg);
  EXPECT_EQ(c.timeout, std::chrono::seconds(30));
  EXPECT_EQ(c.helper.timeout.timeout.count(), 0);
  EXPECT_EQ(c.encoding, "proto");
  EXPECT_EQ(c.compression, "gzip");
  EXPECT_EQ(c.UrlFor(pdata::Signal::kLogs), "");
}

}  // namespace
}  // namespace ocelot::exporter::otlphttp
