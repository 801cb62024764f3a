// End to end: the real ocelot binary, fed by a real gRPC client and a real HTTP client (curl),
// writing real files; stopped with SIGTERM and checked for every item.
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "integration/collector_process.h"
#include "net/compression.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "pdata/batch.h"
#include "pdata/otlp_json.h"
#include "testing/otlp_fixtures.h"
#include "testing/temp_dir.h"
#include "testing/wait.h"

namespace ocelot::testing {
namespace {

namespace trace_service = opentelemetry::proto::collector::trace::v1;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

template <typename Request>
size_t CountItemsInJsonFile(const std::string& path) {
  size_t total = 0;
  for (const std::string& line : Lines(ReadFile(path))) {
    Request r;
    absl::Status s = pdata::ParseOtlpJson(line, &r);
    EXPECT_TRUE(s.ok()) << s << " in line " << line.substr(0, 200);
    total += pdata::CountItems(r);
  }
  return total;
}

struct HttpResult {
  long status = 0;
  std::string body;
};

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

HttpResult Post(int port, const std::string& path, const std::string& content_type,
                const std::string& body, const std::string& encoding = "") {
  HttpResult result;
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  if (!encoding.empty())
    headers = curl_slist_append(headers, ("Content-Encoding: " + encoding).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

// The helper every test here takes its ports from: two ports of one test once came out equal.
TEST(FreePort, NeverGivesTheSamePortTwice) {
  std::set<int> seen;
  for (int i = 0; i < 300; ++i) {
    int port = FreePort();
    ASSERT_GT(port, 0);
    EXPECT_TRUE(seen.insert(port).second) << "port " << port << " given twice";
  }
}

class EndToEnd : public ::testing::Test {
 protected:
  TempDir dir;
  int grpc_port = FreePort();
  int http_port = FreePort();

  std::string WriteConfig(const std::string& batch = "timeout: 1h\n    send_batch_size: 100000",
                          const std::string& grpc_extra = "") {
    std::string path = dir / "config.yaml";
    std::ofstream(path) << "receivers:\n"
                           "  otlp:\n"
                           "    protocols:\n"
                           "      grpc:\n"
                           "        endpoint: 127.0.0.1:"
                        << grpc_port << "\n"
                        << grpc_extra
                        << "      http:\n"
                           "        endpoint: 127.0.0.1:"
                        << http_port
                        << "\n"
                           "processors:\n"
                           "  batch:\n"
                           "    "
                        << batch
                        << "\n"
                           "exporters:\n"
                           "  file/traces:\n"
                           "    path: "
                        << (dir / "out/traces.json")
                        << "\n"
                           "  file/metrics:\n"
                           "    path: "
                        << (dir / "out/metrics.json")
                        << "\n"
                           "  file/logs:\n"
                           "    path: "
                        << (dir / "out/logs.json")
                        << "\n"
                           "service:\n"
                           "  telemetry:\n"
                           "    logs:\n"
                           "      level: warn\n"
                           "  pipelines:\n"
                           "    traces:\n"
                           "      receivers: [otlp]\n"
                           "      processors: [batch]\n"
                           "      exporters: [file/traces]\n"
                           "    metrics:\n"
                           "      receivers: [otlp]\n"
                           "      processors: [batch]\n"
                           "      exporters: [file/metrics]\n"
                           "    logs:\n"
                           "      receivers: [otlp]\n"
                           "      processors: [batch]\n"
                           "      exporters: [file/logs]\n";
    return path;
  }

  std::unique_ptr<CollectorProcess> StartCollector(const std::string& config) {
    auto p = std::make_unique<CollectorProcess>(std::vector<std::string>{"--config", config},
                                                dir / "stderr.txt");
    EXPECT_TRUE(WaitForPort(grpc_port)) << p->Stderr();
    EXPECT_TRUE(WaitForPort(http_port)) << p->Stderr();
    return p;
  }
};

TEST_F(EndToEnd, GrpcTracesReachTheFileAndShutdownFlushesTheBatch) {
  auto collector = StartCollector(WriteConfig());
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_port),
                                     grpc::InsecureChannelCredentials());
  auto stub = trace_service::TraceService::NewStub(channel);
  for (int i = 0; i < 10; ++i) {
    auto chunk = MakeTraces(2, 50);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    trace_service::ExportTraceServiceResponse response;
    grpc::Status s = stub->Export(&ctx, chunk->message(), &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  // The batch processor holds everything (1h timeout, huge size): only a clean shutdown
  // gets it to the file. The client stays connected while the collector stops.
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
  EXPECT_EQ(CountItemsInJsonFile<pdata::TracesRequest>(dir / "out/traces.json"), 1000u);
}

TEST_F(EndToEnd, GrpcMetadataKeysMakeOneBatchPerTenant) {
  auto collector = StartCollector(
      WriteConfig("timeout: 1h\n    send_batch_size: 100000\n    metadata_keys: [X-Tenant]",
                  "        include_metadata: true\n"));
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_port),
                                     grpc::InsecureChannelCredentials());
  auto stub = trace_service::TraceService::NewStub(channel);
  for (std::string tenant : {"acme", "globex", "acme", "globex", "acme"}) {
    auto chunk = MakeTraces(1, 4);
    for (auto& span :
         *chunk->message().mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()) {
      span.set_name("span-of-" + tenant);
    }
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-tenant", tenant);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    trace_service::ExportTraceServiceResponse response;
    grpc::Status s = stub->Export(&ctx, chunk->message(), &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
  // Shutdown flushes each tenant's batcher: one file line (one batch) per tenant, unmixed.
  std::vector<std::string> lines = Lines(ReadFile(dir / "out/traces.json"));
  ASSERT_EQ(lines.size(), 2u);
  for (const std::string& line : lines) {
    bool acme = line.find("span-of-acme") != std::string::npos;
    bool globex = line.find("span-of-globex") != std::string::npos;
    EXPECT_NE(acme, globex) << line.substr(0, 200);
  }
  EXPECT_EQ(CountItemsInJsonFile<pdata::TracesRequest>(dir / "out/traces.json"), 20u);
}

TEST_F(EndToEnd, HttpProtobufJsonAndGzipReachTheFiles) {
  auto collector = StartCollector(WriteConfig());
  std::string proto;
  MakeTraces(1, 3)->message().SerializeToString(&proto);
  EXPECT_EQ(Post(http_port, "/v1/traces", "application/x-protobuf", proto).status, 200);

  std::string logs_json;
  pdata::AppendOtlpJson(MakeLogs(4)->message(), &logs_json);
  HttpResult logs = Post(http_port, "/v1/logs", "application/json", logs_json);
  EXPECT_EQ(logs.status, 200);
  EXPECT_EQ(logs.body.front(), '{');  // answered in the request's encoding

  std::string metrics_json;
  pdata::AppendOtlpJson(MakeMetrics(2, 5)->message(), &metrics_json);
  EXPECT_EQ(Post(http_port, "/v1/metrics", "application/json", *net::Compress("gzip", metrics_json),
                 "gzip")
                .status,
            200);

  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
  EXPECT_EQ(CountItemsInJsonFile<pdata::TracesRequest>(dir / "out/traces.json"), 3u);
  EXPECT_EQ(CountItemsInJsonFile<pdata::LogsRequest>(dir / "out/logs.json"), 4u);
  EXPECT_EQ(CountItemsInJsonFile<pdata::MetricsRequest>(dir / "out/metrics.json"), 10u);
}

TEST_F(EndToEnd, HttpBadRequestsGetStatusCodesAndMessages) {
  auto collector = StartCollector(WriteConfig());
  HttpResult bad_json = Post(http_port, "/v1/traces", "application/json", "{\"resourceSpans\":5}");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_NE(bad_json.body.find("resourceSpans"), std::string::npos) << bad_json.body;
  EXPECT_EQ(Post(http_port, "/v1/nope", "application/json", "{}").status, 404);
  EXPECT_EQ(Post(http_port, "/v1/traces", "text/plain", "hi").status, 415);
  EXPECT_EQ(collector->Stop(), 0);
}

TEST_F(EndToEnd, BatchTimeoutDeliversWithoutShutdown) {
  auto collector = StartCollector(WriteConfig("timeout: 10ms\n    send_batch_size: 100000"));
  std::string proto;
  MakeTraces(1, 5)->message().SerializeToString(&proto);
  EXPECT_EQ(Post(http_port, "/v1/traces", "application/x-protobuf", proto).status, 200);
  // The file exporter flushes every second (flush_interval); wait for the line to appear.
  bool written =
      WaitUntil([&] { return ReadFile(dir / "out/traces.json").find('\n') != std::string::npos; },
                std::chrono::seconds(20));
  EXPECT_TRUE(written);
  EXPECT_EQ(collector->Stop(), 0);
  EXPECT_EQ(CountItemsInJsonFile<pdata::TracesRequest>(dir / "out/traces.json"), 5u);
}

TEST_F(EndToEnd, BusyPortFailsTheStartWithOneClearLine) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(http_port));
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  CollectorProcess collector({"--config", WriteConfig()}, dir / "stderr.txt");
  auto status = collector.WaitExit();
  close(fd);
  ASSERT_TRUE(status.has_value()) << "collector did not exit";
  EXPECT_EQ(*status, 1);
  std::string err = collector.Stderr();
  EXPECT_NE(err.find("127.0.0.1:" + std::to_string(http_port)), std::string::npos) << err;
  EXPECT_NE(err.find("in use"), std::string::npos) << err;
  // The gRPC server that did start was shut down: its port is free again.
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  addr.sin_port = htons(static_cast<uint16_t>(grpc_port));
  EXPECT_NE(connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  close(probe);
}

TEST_F(EndToEnd, DefaultProfileWritesUnderHome) {
  CollectorProcess collector(
      {"--set", "receivers::otlp::protocols::grpc::endpoint=127.0.0.1:" + std::to_string(grpc_port),
       "--set",
       "receivers::otlp::protocols::http::endpoint=127.0.0.1:" + std::to_string(http_port)},
      dir / "stderr.txt", {"HOME=" + dir.path().string()});
  ASSERT_TRUE(WaitForPort(http_port)) << collector.Stderr();
  std::string proto;
  MakeTraces(1, 2)->message().SerializeToString(&proto);
  EXPECT_EQ(Post(http_port, "/v1/traces", "application/x-protobuf", proto).status, 200);
  EXPECT_EQ(collector.Stop(), 0);
  std::string err = collector.Stderr();
  EXPECT_NE(err.find("running config: <default profile>"), std::string::npos) << err;
  EXPECT_NE(err.find(dir / ".ocelot/data/traces.json"), std::string::npos) << err;
  EXPECT_EQ(CountItemsInJsonFile<pdata::TracesRequest>(dir / ".ocelot/data/traces.json"), 2u);
}

}  // namespace
}  // namespace ocelot::testing
