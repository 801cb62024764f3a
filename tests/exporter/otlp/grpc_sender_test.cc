// The otlp exporter against an in-process gRPC server: headers and compression on the wire,
// chunks arriving as one request, error classification (retryable, permanent, RetryInfo),
// partial success, and the option table.
#include "exporter/otlp/grpc_sender.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "config/loader.h"
#include "exporter/otlp/factory.h"
#include "exporterhelper/exporter.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "testing/otlp_fixtures.h"
#include "testing/test_host.h"
#include "testing/wait.h"

namespace ocelot::exporter::otlp {
namespace {

namespace trace_service = opentelemetry::proto::collector::trace::v1;
using std::chrono::milliseconds;

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}
std::string Field(int tag, const std::string& payload) {
  return Bytes({tag, static_cast<int>(payload.size())}) + payload;
}

// google.rpc.Status{code, message, details: [RetryInfo{retry_delay: seconds}]}.
std::string StatusWithRetryInfo(int code, const std::string& message, int seconds) {
  std::string duration = Bytes({0x08, seconds});
  std::string retry_info = Field(0x0a, duration);
  std::string any =
      Field(0x0a, "type.googleapis.com/google.rpc.RetryInfo") + Field(0x12, retry_info);
  return Bytes({0x08, code}) + Field(0x12, message) + Field(0x1a, any);
}

// A trace service recording what it receives and answering with a scripted status.
class Backend final : public trace_service::TraceService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const trace_service::ExportTraceServiceRequest* request,
                                   trace_service::ExportTraceServiceResponse* response) override {
    std::lock_guard lock(mu);
    ++calls;
    for (const auto& [k, v] : context->client_metadata()) {
      metadata[std::string(k.data(), k.size())] = std::string(v.data(), v.size());
    }
    compression = context->compression_algorithm();
    grpc::Status status = answer;
    if (status.ok()) {
      requests.push_back(*request);
      if (rejected > 0) {
        response->mutable_partial_success()->set_rejected_spans(rejected);
        response->mutable_partial_success()->set_error_message("some spans were too old");
      }
    }
    auto* reactor = context->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }

  std::mutex mu;  // guards everything below
  int calls = 0;
  std::vector<trace_service::ExportTraceServiceRequest> requests;
  std::map<std::string, std::string> metadata;
  grpc_compression_algorithm compression = GRPC_COMPRESS_NONE;
  grpc::Status answer = grpc::Status::OK;
  int64_t rejected = 0;
};

class GrpcSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&backend_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port_, 0);
    config_.endpoint = "127.0.0.1:" + std::to_string(port_);
    config_.tls.insecure = true;
    settings_.id = component::Id{"otlp", ""};
    settings_.logger = spdlog::default_logger();
    settings_.metrics = &metrics_;
  }
  void TearDown() override { server_->Shutdown(); }

  absl::Status SendOnce(const pdata::Traces& batch) {
    GrpcSender sender(config_, settings_);
    EXPECT_TRUE(sender.Start(host_).ok());
    absl::Status s =
        sender.Send(batch, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    sender.Shutdown();
    return s;
  }

  Backend backend_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  Config config_;
  component::CreateSettings settings_;
  telemetry::MetricsRegistry metrics_;
  testing::TestHost host_;
};

TEST_F(GrpcSenderTest, SendsTheChunksOfABatchAsOneRequestWithHeaders) {
  config_.headers = {{"signoz-ingestion-key", "secret-key"}, {"X-Tenant", "a"}};
  pdata::Traces batch(testing::MakeTraces(2, 3));
  batch.Append(testing::MakeTraces(1, 4, "other"));
  ASSERT_TRUE(SendOnce(batch).ok());
  std::lock_guard lock(backend_.mu);
  ASSERT_EQ(backend_.requests.size(), 1u);
  EXPECT_EQ(pdata::CountItems(backend_.requests[0]), 10u);
  EXPECT_EQ(backend_.requests[0].resource_spans_size(), 3);
  EXPECT_EQ(backend_.metadata["signoz-ingestion-key"], "secret-key");
  EXPECT_EQ(backend_.metadata["x-tenant"], "a");
}

// gRPC hides grpc-encoding from handlers; a server that refuses gzip shows what is on the wire.
TEST_F(GrpcSenderTest, CompressesWithGzipByDefaultAndNotWithNone) {
  Backend strict;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, false);
  builder.RegisterService(&strict);
  auto server = builder.BuildAndStart();
  config_.endpoint = "127.0.0.1:" + std::to_string(port);
  absl::Status gzip = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
  EXPECT_NE(gzip.message().find("gzip"), absl::string_view::npos) << gzip;
  config_.compression = "none";
  EXPECT_TRUE(SendOnce(pdata::Traces(testing::MakeTraces(1, 1))).ok());
  server->Shutdown();
}

TEST_F(GrpcSenderTest, UnavailableIsRetryable) {
  backend_.answer = grpc::Status(grpc::StatusCode::UNAVAILABLE, "overloaded");
  absl::Status s = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
  EXPECT_TRUE(consumer::IsRetryable(s)) << s;
  EXPECT_NE(s.message().find("code = Unavailable desc = overloaded"), absl::string_view::npos) << s;
}

TEST_F(GrpcSenderTest, InvalidArgumentIsPermanent) {
  backend_.answer = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad span");
  absl::Status s = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(consumer::IsRetryable(s)) << s;
}

TEST_F(GrpcSenderTest, ResourceExhaustedIsRetryableOnlyWithRetryInfoWhoseDelayIsKept) {
  backend_.answer = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "quota");
  absl::Status without = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
  EXPECT_FALSE(consumer::IsRetryable(without)) << without;

  backend_.answer = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "quota",
                                 StatusWithRetryInfo(8, "quota", 3));
  absl::Status with = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
  EXPECT_TRUE(consumer::IsRetryable(with)) << with;
  auto delay = exporterhelper::RetryAfterOf(with);
  ASSERT_TRUE(delay.has_value());
  EXPECT_EQ(*delay, std::chrono::seconds(3));
}

TEST_F(GrpcSenderTest, NothingListeningIsRetryable) {
  server_->Shutdown();
  absl::Status s = SendOnce(pdata::Traces(testing::MakeTraces(1, 1)));
  EXPECT_TRUE(consumer::IsRetryable(s)) << s;
}

TEST_F(GrpcSenderTest, PartialSuccessIsLoggedAndCountedButIsASuccess) {
  backend_.rejected = 2;
  ASSERT_TRUE(SendOnce(pdata::Traces(testing::MakeTraces(1, 5))).ok());
  EXPECT_EQ(
      metrics_.Value("ocelot_exporter_partial_success_rejected_spans", {{"exporter", "otlp"}}), 2);
}

TEST_F(GrpcSenderTest, TheExporterRetriesUntilTheBackendAccepts) {
  backend_.answer = grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting");
  exporterhelper::Settings helper;
  helper.retry.initial_interval = milliseconds(5);
  helper.retry.max_interval = milliseconds(20);
  exporterhelper::Exporter e(settings_, helper, std::make_unique<GrpcSender>(config_, settings_));
  ASSERT_TRUE(e.Start(host_).ok());
  ASSERT_TRUE(e.Consume(pdata::Traces(testing::MakeTraces(1, 6))).ok());
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        std::lock_guard lock(backend_.mu);
        return backend_.calls >= 2;
      },
      milliseconds(10000)));
  {
    std::lock_guard lock(backend_.mu);
    backend_.answer = grpc::Status::OK;
  }
  EXPECT_TRUE(testing::WaitUntil(
      [&] {
        return metrics_.Value("otelcol_exporter_sent_spans", {{"exporter", "otlp"}}) == 6;
      },
      milliseconds(10000)));
  e.Shutdown();
}

std::vector<std::string> Validate(const std::string& yaml) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok());
  config::Diagnostics diag;
  config::MapDecoder d(*node, "exporters::otlp", &diag);
  auto factory = MakeFactory();
  auto cfg = factory->CreateDefaultConfig();
  cfg->Decode(d);
  d.Finish();
  cfg->Validate(d);
  return diag.errors();
}

TEST(OtlpExporterConfig, AcceptsOtelcolKeys) {
  auto errors = Validate(
      "endpoint: ingest.signoz.cloud:443\n"
      "headers: {signoz-ingestion-key: abc}\n"
      "compression: gzip\n"
      "tls: {insecure: false, ca_file: /etc/ssl/ca.pem, insecure_skip_verify: false}\n"
      "keepalive: {time: 10s, timeout: 5s, permit_without_stream: true}\n"
      "balancer_name: round_robin\n"
      "timeout: 10s\n"
      "wait_for_ready: true\n"
      "write_buffer_size: 524288\n"
      "retry_on_failure: {enabled: true, max_elapsed_time: 0}\n"
      "sending_queue: {num_consumers: 4, queue_size: 100, storage: file_storage}\n");
  EXPECT_TRUE(errors.empty()) << errors[0];
}

TEST(OtlpExporterConfig, RequiresAnEndpoint) {
  auto errors = Validate("headers: {a: b}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("requires a non-empty \"endpoint\""), std::string::npos) << errors[0];
}

TEST(OtlpExporterConfig, RejectsCompressionsGrpcCannotDo) {
  auto errors = Validate("endpoint: a:1\ncompression: zstd\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("c.yaml:2: exporters::otlp::compression"), std::string::npos)
      << errors[0];
}

TEST(OtlpExporterConfig, DefaultsMatchOtelcol) {
  auto factory = MakeFactory();
  auto cfg = factory->CreateDefaultConfig();
  const auto& c = static_cast<const Config&>(*cfg);
  EXPECT_EQ(c.compression, "gzip");
  EXPECT_EQ(c.helper.timeout.timeout, std::chrono::seconds(5));
  EXPECT_TRUE(c.UsesTls());
  EXPECT_EQ(c.helper.queue.queue_size, 1000);
}

}  // namespace
}  // namespace ocelot::exporter::otlp
