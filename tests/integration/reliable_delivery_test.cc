// Reliable delivery, end to end with the real ocelot binary: an otlp exporter bridging an
// outage of a second ocelot, a persistent queue surviving kill -9 (with and without a batch
// processor in front), a backend rejecting one batch, a full queue pushing back on clients, and
// the SigNoz reference config running against a second ocelot standing in for the gateway.
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include "integration/collector_process.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "pdata/batch.h"
#include "pdata/otlp_json.h"
#include "testing/otlp_fixtures.h"
#include "testing/temp_dir.h"
#include "testing/wait.h"

namespace ocelot::testing {
namespace {

namespace trace_service = opentelemetry::proto::collector::trace::v1;
namespace metrics_service = opentelemetry::proto::collector::metrics::v1;
namespace logs_service = opentelemetry::proto::collector::logs::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kSignozReference =
    std::string(OCELOT_SOURCE_DIR) +
    "/../shared/reference/letta-otel/otel-collector-config-signoz.yaml";

// ---- reading what a file exporter wrote ----

template <typename Request>
std::vector<Request> ReadJsonLines(const std::string& path) {
  std::vector<Request> out;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    Request r;
    if (pdata::ParseOtlpJson(line, &r).ok()) out.push_back(std::move(r));
  }
  return out;
}

size_t SpansIn(const std::string& path) {
  size_t n = 0;
  for (const auto& r : ReadJsonLines<pdata::TracesRequest>(path)) n += pdata::CountItems(r);
  return n;
}

// service.name of every resource, in file order.
std::vector<std::string> ServicesIn(const std::string& path) {
  std::vector<std::string> out;
  for (const auto& r : ReadJsonLines<pdata::TracesRequest>(path)) {
    for (const auto& rs : r.resource_spans()) {
      out.push_back(rs.resource().attributes(0).value().string_value());
    }
  }
  return out;
}

// ---- clients ----

grpc::Status SendSpans(int port, int spans, const std::string& service) {
  auto stub = trace_service::TraceService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
  trace_service::ExportTraceServiceResponse response;
  return stub->Export(&ctx, MakeTraces(1, spans, service)->message(), &response);
}

struct HttpResult {
  long status = 0;
  std::string body;
  std::string retry_after;
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t CollectRetryAfter(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  const std::string key = "retry-after:";
  std::string lower = line;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind(key, 0) == 0) {
    std::string v = line.substr(key.size());
    v.erase(0, v.find_first_not_of(' '));
    v.erase(v.find_last_not_of("\r\n ") + 1);
    *static_cast<std::string*>(out) = v;
  }
  return size * n;
}

HttpResult Http(const std::string& url, const std::string& body = "",
                const std::string& content_type = "") {
  HttpResult result;
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (!content_type.empty()) {
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectRetryAfter);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.retry_after);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

// The value of `name{...exporter="<exporter>"...}` in a collector's Prometheus page; 0 if absent.
double Metric(int metrics_port, const std::string& name, const std::string& exporter) {
  std::string text = Http("http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics").body;
  std::regex series("^" + name + "\\{[^}]*exporter=\"" + exporter + "\"[^}]*\\} (\\S+)$");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, series)) return std::stod(m[1]);
  }
  return 0;
}

// ---- in-test backends ----

// A trace backend: records spans by service, rejects requests from service "poison" with
// INVALID_ARGUMENT, and can hold requests until released (to fill the sender's queue).
class FakeBackend final : public trace_service::TraceService::Service {
 public:
  grpc::Status Export(grpc::ServerContext*, const trace_service::ExportTraceServiceRequest* request,
                      trace_service::ExportTraceServiceResponse*) override {
    std::unique_lock lock(mu_);
    ++arrived_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !holding_; });
    if (unavailable_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down for maintenance");
    const std::string service =
        request->resource_spans(0).resource().attributes(0).value().string_value();
    if (service == "poison") return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "poison");
    spans_ += pdata::CountItems(*request);
    for (const auto& rs : request->resource_spans()) {
      services_.insert(rs.resource().attributes(0).value().string_value());
    }
    return grpc::Status::OK;
  }
  void SetUnavailable(bool unavailable) {
    std::lock_guard lock(mu_);
    unavailable_ = unavailable;
  }
  std::set<std::string> services() {
    std::lock_guard lock(mu_);
    return services_;
  }
  void Hold(bool hold) {
    std::lock_guard lock(mu_);
    holding_ = hold;
    cv_.notify_all();
  }
  size_t spans() {
    std::lock_guard lock(mu_);
    return spans_;
  }
  int arrived() {
    std::lock_guard lock(mu_);
    return arrived_;
  }

 private:
  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  bool holding_ = false;
  bool unavailable_ = false;
  int arrived_ = 0;
  std::set<std::string> services_;
  size_t spans_ = 0;
};

// Forwards every signal to `target` unchanged, recording the metadata each call carried: the
// view a gateway has of the headers the exporter sends.
class RecordingProxy {
 public:
  explicit RecordingProxy(int target_port)
      : channel_(grpc::CreateChannel("127.0.0.1:" + std::to_string(target_port),
                                     grpc::InsecureChannelCredentials())),
        traces_(this),
        metrics_(this),
        logs_(this) {}

  void Record(const grpc::ServerContext* ctx) {
    std::lock_guard lock(mu_);
    ++calls_;
    auto it = ctx->client_metadata().find("signoz-ingestion-key");
    if (it != ctx->client_metadata().end()) {
      keys_.emplace_back(it->second.data(), it->second.size());
    }
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::vector<std::string> keys() {
    std::lock_guard lock(mu_);
    return keys_;
  }

  template <typename Base, typename Stub, typename Req, typename Resp>
  class Forward final : public Base {
   public:
    explicit Forward(RecordingProxy* proxy) : proxy_(proxy), stub_(Stub(proxy->channel_)) {}
    grpc::Status Export(grpc::ServerContext* ctx, const Req* req, Resp* resp) override {
      proxy_->Record(ctx);
      grpc::ClientContext out;
      out.set_deadline(std::chrono::system_clock::now() + seconds(10));
      return stub_.Export(&out, *req, resp);
    }

   private:
    RecordingProxy* proxy_;
    Stub stub_;
  };

  std::shared_ptr<grpc::Channel> channel_;
  Forward<trace_service::TraceService::Service, trace_service::TraceService::Stub,
          trace_service::ExportTraceServiceRequest, trace_service::ExportTraceServiceResponse>
      traces_;
  Forward<metrics_service::MetricsService::Service, metrics_service::MetricsService::Stub,
          metrics_service::ExportMetricsServiceRequest,
          metrics_service::ExportMetricsServiceResponse>
      metrics_;
  Forward<logs_service::LogsService::Service, logs_service::LogsService::Stub,
          logs_service::ExportLogsServiceRequest, logs_service::ExportLogsServiceResponse>
      logs_;

 private:
  std::mutex mu_;  // guards calls_, keys_
  int calls_ = 0;
  std::vector<std::string> keys_;
};

std::unique_ptr<grpc::Server> Serve(std::initializer_list<grpc::Service*> services, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  for (grpc::Service* s : services) builder.RegisterService(s);
  return builder.BuildAndStart();
}

// ---- the fixture: collector A (under test) exporting to B (a second ocelot) ----

class ReliableDelivery : public ::testing::Test {
 protected:
  TempDir dir;
  int a_grpc = FreePort();
  int a_http = FreePort();
  int a_metrics = FreePort();
  int b_grpc = FreePort();

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir / name;
    std::ofstream(path) << text;
    return path;
  }

  // B: receives OTLP/gRPC and appends every span to b.json (append: survives B's restarts).
  std::string BackendConfig() {
    return Write("b.yaml",
                 "receivers:\n"
                 "  otlp:\n"
                 "    protocols:\n"
                 "      grpc:\n"
                 "        endpoint: 127.0.0.1:" +
                     std::to_string(b_grpc) +
                     "\n"
                     "exporters:\n"
                     "  file:\n"
                     "    path: " +
                     (dir / "b.json") +
                     "\n"
                     "    append: true\n"
                     "service:\n"
                     "  telemetry: {logs: {level: warn}}\n"
                     "  pipelines:\n"
                     "    traces: {receivers: [otlp], exporters: [file]}\n");
  }

  // A: otlp receiver → [processors] → otlp exporter to `target_port`, with fast retries.
  std::string CollectorConfig(int target_port, const std::string& queue,
                              const std::string& processors = "",
                              const std::string& extensions = "") {
    std::string text =
        "receivers:\n"
        "  otlp:\n"
        "    protocols:\n"
        "      grpc: {endpoint: 127.0.0.1:" +
        std::to_string(a_grpc) +
        "}\n"
        "      http: {endpoint: 127.0.0.1:" +
        std::to_string(a_http) + "}\n";
    if (!processors.empty()) text += "processors:\n" + processors;
    if (!extensions.empty()) text += "extensions:\n" + extensions;
    text +=
        "exporters:\n"
        "  otlp:\n"
        "    endpoint: 127.0.0.1:" +
        std::to_string(target_port) +
        "\n"
        "    tls: {insecure: true}\n"
        "    retry_on_failure: {initial_interval: 100ms, max_interval: 1s, max_elapsed_time: 0}\n"
        "    sending_queue: " +
        queue +
        "\n"
        "service:\n"
        "  telemetry:\n"
        "    logs: {level: warn}\n"
        "    metrics: {address: 127.0.0.1:" +
        std::to_string(a_metrics) + "}\n";
    if (!extensions.empty()) text += "  extensions: [file_storage]\n";
    text += "  pipelines:\n    traces:\n      receivers: [otlp]\n";
    if (!processors.empty()) text += "      processors: [batch]\n";
    text += "      exporters: [otlp]\n";
    return Write("a.yaml", text);
  }

  std::unique_ptr<CollectorProcess> Start(const std::string& config, int port,
                                          const std::string& log) {
    auto p =
        std::make_unique<CollectorProcess>(std::vector<std::string>{"--config", config}, dir / log);
    EXPECT_TRUE(WaitForPort(port)) << p->Stderr();
    return p;
  }
};

TEST_F(ReliableDelivery, AnOutageOfTheNextCollectorIsBridgedAndEverySpanArrivesOnce) {
  auto b = Start(BackendConfig(), b_grpc, "b1.log");
  auto a = Start(CollectorConfig(b_grpc, "{num_consumers: 2}"), a_grpc, "a.log");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(SendSpans(a_grpc, 10, "before").ok());
  ASSERT_TRUE(WaitUntil([&] { return SpansIn(dir / "b.json") == 50; }, seconds(30)))
      << SpansIn(dir / "b.json") << a->Stderr();

  ASSERT_EQ(b->Stop(), 0) << b->Stderr();
  for (int i = 0; i < 40; ++i) {
    grpc::Status s = SendSpans(a_grpc, 10, "during");
    ASSERT_TRUE(s.ok()) << s.error_message();  // the queue holds them
  }
  EXPECT_TRUE(WaitUntil(
      [&] { return Metric(a_metrics, "otelcol_exporter_queue_size", "otlp") > 0; }, seconds(10)));

  b = Start(BackendConfig(), b_grpc, "b2.log");
  EXPECT_TRUE(WaitUntil([&] { return SpansIn(dir / "b.json") >= 450; }, seconds(60)))
      << SpansIn(dir / "b.json") << a->Stderr();
  EXPECT_EQ(a->Stop(), 0) << a->Stderr();
  EXPECT_EQ(b->Stop(), 0) << b->Stderr();
  EXPECT_EQ(SpansIn(dir / "b.json"), 450u);  // exactly: nothing lost, nothing twice
}

TEST_F(ReliableDelivery, AKilledCollectorSendsItsPersistentQueueAfterRestartInOrder) {
  std::string ext =
      "  file_storage:\n    directory: " + (dir / "storage") + "\n    create_directory: true\n";
  std::string config =
      CollectorConfig(b_grpc, "{num_consumers: 1, storage: file_storage}", "", ext);
  auto a = Start(config, a_grpc, "a1.log");
  // B is down: everything waits in A's persistent queue.
  for (int i = 0; i < 30; ++i) {
    grpc::Status s = SendSpans(a_grpc, 10, "s" + std::to_string(i));
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  a->Kill9();

  auto b = Start(BackendConfig(), b_grpc, "b.log");
  a = Start(config, a_grpc, "a2.log");
  EXPECT_TRUE(WaitUntil([&] { return SpansIn(dir / "b.json") >= 300; }, seconds(60)))
      << SpansIn(dir / "b.json") << a->Stderr();
  EXPECT_EQ(a->Stop(), 0) << a->Stderr();
  EXPECT_EQ(b->Stop(), 0) << b->Stderr();
  EXPECT_EQ(SpansIn(dir / "b.json"), 300u);
  std::vector<std::string> expected;
  for (int i = 0; i < 30; ++i) expected.push_back("s" + std::to_string(i));
  EXPECT_EQ(ServicesIn(dir / "b.json"), expected);
}

// With a batch processor (10 s timeout) in front, acknowledged data sits in its memory first;
// the entrance journal keeps it on disk until the persistent queue has it. Part of the data is
// in the persistent queue at the kill (flushed by the batch timeout), part in the processor.
TEST_F(ReliableDelivery, AKilledCollectorLosesNothingItAcknowledgedEvenInsideItsBatchProcessor) {
  FakeBackend backend;
  backend.SetUnavailable(true);
  int port = 0;
  auto server = Serve({&backend}, &port);
  std::string ext =
      "  file_storage:\n    directory: " + (dir / "storage") + "\n    create_directory: true\n";
  std::string batch = "  batch:\n    timeout: 10s\n    send_batch_size: 8192\n";
  std::string config =
      CollectorConfig(port, "{num_consumers: 1, storage: file_storage}", batch, ext);
  auto a = Start(config, a_grpc, "a1.log");
  for (int i = 0; i < 20; ++i) {
    grpc::Status s = SendSpans(a_grpc, 10, "s" + std::to_string(i));
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  // The batch timeout moves the first 200 spans on to the persistent queue, whose sender then
  // tries the (unavailable) backend.
  ASSERT_TRUE(WaitUntil([&] { return backend.arrived() > 0; }, seconds(30))) << a->Stderr();
  for (int i = 20; i < 30; ++i) {
    grpc::Status s = SendSpans(a_grpc, 10, "s" + std::to_string(i));
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  a->Kill9();  // the last 100 spans are only in the batch processor's memory (and the journal)

  backend.SetUnavailable(false);
  a = Start(config, a_grpc, "a2.log");
  std::set<std::string> expected;
  for (int i = 0; i < 30; ++i) expected.insert("s" + std::to_string(i));
  EXPECT_TRUE(WaitUntil([&] { return backend.services() == expected; }, seconds(60)))
      << backend.spans() << a->Stderr();
  EXPECT_EQ(a->Stop(), 0) << a->Stderr();
  // At least once: a batch released just before the kill may come twice; none may be missing.
  EXPECT_GE(backend.spans(), 300u);
  EXPECT_EQ(backend.services(), expected);
  server->Shutdown();
}

TEST_F(ReliableDelivery, ABatchTheBackendRejectsIsDroppedAndCountedAndTheRestFlows) {
  FakeBackend backend;
  int port = 0;
  auto server = Serve({&backend}, &port);
  auto a = Start(CollectorConfig(port, "{num_consumers: 1}"), a_grpc, "a.log");
  for (const char* service : {"ok", "ok", "poison", "ok", "ok"}) {
    ASSERT_TRUE(SendSpans(a_grpc, 10, service).ok());
  }
  EXPECT_TRUE(WaitUntil([&] { return backend.spans() == 40; }, seconds(30))) << a->Stderr();
  EXPECT_TRUE(WaitUntil(
      [&] { return Metric(a_metrics, "otelcol_exporter_send_failed_spans", "otlp") == 10; },
      seconds(10)));
  EXPECT_EQ(Metric(a_metrics, "otelcol_exporter_sent_spans", "otlp"), 40);
  EXPECT_EQ(backend.arrived(), 5);  // the rejected batch was not retried
  EXPECT_EQ(a->Stop(), 0);
  EXPECT_NE(a->Stderr().find("not retryable"), std::string::npos) << a->Stderr();
  server->Shutdown();
}

TEST_F(ReliableDelivery, AFullQueuePushesBackOnClientsWhoseRetriesThenSucceed) {
  FakeBackend backend;
  backend.Hold(true);
  int port = 0;
  auto server = Serve({&backend}, &port);
  auto a = Start(CollectorConfig(port, "{num_consumers: 1, queue_size: 1}"), a_grpc, "a.log");
  ASSERT_TRUE(WaitForPort(a_http));
  ASSERT_TRUE(SendSpans(a_grpc, 10, "first").ok());
  ASSERT_TRUE(WaitUntil([&] { return backend.arrived() == 1; }, seconds(10)));  // being sent
  ASSERT_TRUE(SendSpans(a_grpc, 10, "second").ok());                            // fills the queue

  grpc::Status refused = SendSpans(a_grpc, 10, "third");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  std::string body;
  MakeTraces(1, 10, "fourth")->message().SerializeToString(&body);
  const std::string url = "http://127.0.0.1:" + std::to_string(a_http) + "/v1/traces";
  HttpResult http = Http(url, body, "application/x-protobuf");
  EXPECT_EQ(http.status, 503);
  EXPECT_FALSE(http.retry_after.empty());
  EXPECT_GT(Metric(a_metrics, "otelcol_exporter_enqueue_failed_spans", "otlp"), 0);

  backend.Hold(false);
  // The clients retry, as OTLP clients do on UNAVAILABLE / 503, and get through.
  EXPECT_TRUE(WaitUntil([&] { return SendSpans(a_grpc, 10, "third").ok(); }, seconds(30)));
  EXPECT_TRUE(WaitUntil([&] { return Http(url, body, "application/x-protobuf").status == 200; },
                        seconds(30)));
  EXPECT_TRUE(WaitUntil([&] { return backend.spans() == 40; }, seconds(30))) << backend.spans();
  EXPECT_EQ(a->Stop(), 0);
  server->Shutdown();
}

// The same over OTLP/HTTP: the otlphttp exporter queues while the next ocelot is down and
// delivers everything, once, when it is back.
TEST_F(ReliableDelivery, TheOtlpHttpExporterBridgesAnOutageToo) {
  int b_http = FreePort();
  std::string b_config =
      Write("b-http.yaml",
            "receivers:\n  otlp:\n    protocols:\n      http: {endpoint: 127.0.0.1:" +
                std::to_string(b_http) + "}\nexporters:\n  file:\n    path: " + (dir / "b.json") +
                "\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: "
                "[file]}\n");
  std::string a_config = Write(
      "a-http.yaml", "receivers:\n  otlp:\n    protocols:\n      grpc: {endpoint: 127.0.0.1:" +
                         std::to_string(a_grpc) +
                         "}\n"
                         "exporters:\n"
                         "  otlphttp:\n"
                         "    endpoint: http://127.0.0.1:" +
                         std::to_string(b_http) +
                         "\n"
                         "    headers: {signoz-ingestion-key: k}\n"
                         "    retry_on_failure: {initial_interval: 100ms, max_interval: 1s}\n"
                         "service:\n"
                         "  telemetry: {metrics: {address: 127.0.0.1:" +
                         std::to_string(a_metrics) +
                         "}}\n"
                         "  pipelines:\n    traces: {receivers: [otlp], exporters: [otlphttp]}\n");
  auto a = Start(a_config, a_grpc, "a.log");
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(SendSpans(a_grpc, 10, "h" + std::to_string(i)).ok());
  auto b = Start(b_config, b_http, "b.log");
  EXPECT_TRUE(WaitUntil([&] { return SpansIn(dir / "b.json") >= 200; }, seconds(60)))
      << SpansIn(dir / "b.json") << a->Stderr();
  EXPECT_EQ(Metric(a_metrics, "otelcol_exporter_sent_spans", "otlphttp"), 200);
  EXPECT_EQ(a->Stop(), 0) << a->Stderr();
  EXPECT_EQ(b->Stop(), 0) << b->Stderr();
  EXPECT_EQ(SpansIn(dir / "b.json"), 200u);
}

// The reference SigNoz config (minus memory_limiter and the management extensions, built
// elsewhere; plus tls::insecure, since the stand-in gateway speaks plaintext) validates and
// runs, and the ingestion key reaches the gateway on every call.
TEST_F(ReliableDelivery, TheSignozReferenceConfigRunsAgainstASecondOcelot) {
  YAML::Node root = YAML::LoadFile(kSignozReference);
  root["processors"].remove("memory_limiter");
  root.remove("extensions");
  root["service"].remove("extensions");
  for (auto pipeline : root["service"]["pipelines"]) {
    YAML::Node kept(YAML::NodeType::Sequence);
    for (auto p : pipeline.second["processors"]) {
      if (p.as<std::string>() != "memory_limiter") kept.push_back(p);
    }
    pipeline.second["processors"] = kept;
  }
  root["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"] =
      "127.0.0.1:" + std::to_string(a_grpc);
  root["receivers"]["otlp"]["protocols"]["http"]["endpoint"] =
      "127.0.0.1:" + std::to_string(a_http);
  root["service"]["telemetry"]["metrics"]["address"] = "127.0.0.1:" + std::to_string(a_metrics);
  root["exporters"]["otlp"]["tls"]["insecure"] = true;
  YAML::Emitter out;
  out << root;
  std::string config = Write("signoz.yaml", out.c_str());
  ASSERT_NE(ReadFile(config).find("${SIGNOZ_INGESTION_KEY}"), std::string::npos);

  // B: the stand-in gateway, writing each signal to a file.
  std::string b_config = Write(
      "gateway.yaml", "receivers:\n  otlp:\n    protocols:\n      grpc: {endpoint: 127.0.0.1:" +
                          std::to_string(b_grpc) +
                          "}\n"
                          "exporters:\n"
                          "  file/traces: {path: " +
                          (dir / "traces.json") +
                          "}\n"
                          "  file/metrics: {path: " +
                          (dir / "metrics.json") +
                          "}\n"
                          "  file/logs: {path: " +
                          (dir / "logs.json") +
                          "}\n"
                          "service:\n"
                          "  pipelines:\n"
                          "    traces: {receivers: [otlp], exporters: [file/traces]}\n"
                          "    metrics: {receivers: [otlp], exporters: [file/metrics]}\n"
                          "    logs: {receivers: [otlp], exporters: [file/logs]}\n");
  auto b = Start(b_config, b_grpc, "gateway.log");
  RecordingProxy proxy(b_grpc);
  int proxy_port = 0;
  auto server = Serve({&proxy.traces_, &proxy.metrics_, &proxy.logs_}, &proxy_port);

  std::vector<std::string> env = {"SIGNOZ_ENDPOINT=127.0.0.1:" + std::to_string(proxy_port),
                                  "SIGNOZ_INGESTION_KEY=test-ingestion-key"};
  ::setenv("SIGNOZ_ENDPOINT", ("127.0.0.1:" + std::to_string(proxy_port)).c_str(), 1);
  ::setenv("SIGNOZ_INGESTION_KEY", "test-ingestion-key", 1);
  std::string validate_err;
  EXPECT_EQ(RunOcelot({"validate", "--config", config}, nullptr, &validate_err), 0) << validate_err;

  CollectorProcess a({"--config", config}, dir / "a.log", env);
  ASSERT_TRUE(WaitForPort(a_grpc)) << a.Stderr();
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(a_grpc),
                                     grpc::InsecureChannelCredentials());
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext c1, c2, c3;
    trace_service::ExportTraceServiceResponse r1;
    metrics_service::ExportMetricsServiceResponse r2;
    logs_service::ExportLogsServiceResponse r3;
    ASSERT_TRUE(trace_service::TraceService::NewStub(channel)
                    ->Export(&c1, MakeTraces(1, 10)->message(), &r1)
                    .ok());
    ASSERT_TRUE(metrics_service::MetricsService::NewStub(channel)
                    ->Export(&c2, MakeMetrics(2, 5)->message(), &r2)
                    .ok());
    ASSERT_TRUE(
        logs_service::LogsService::NewStub(channel)->Export(&c3, MakeLogs(7)->message(), &r3).ok());
  }
  // The batch processor holds data up to 10 s; a clean stop flushes it through the exporter.
  EXPECT_EQ(a.Stop(), 0) << a.Stderr();
  EXPECT_EQ(b->Stop(), 0) << b->Stderr();
  EXPECT_EQ(SpansIn(dir / "traces.json"), 30u);
  size_t points = 0, records = 0;
  for (const auto& r : ReadJsonLines<pdata::MetricsRequest>(dir / "metrics.json")) {
    points += pdata::CountItems(r);
  }
  for (const auto& r : ReadJsonLines<pdata::LogsRequest>(dir / "logs.json")) {
    records += pdata::CountItems(r);
  }
  EXPECT_EQ(points, 30u);
  EXPECT_EQ(records, 21u);
  EXPECT_GE(proxy.calls(), 3);
  std::vector<std::string> keys = proxy.keys();
  EXPECT_EQ(keys.size(), static_cast<size_t>(proxy.calls()));
  for (const std::string& k : keys) EXPECT_EQ(k, "test-ingestion-key");
  server->Shutdown();
}

}  // namespace
}  // namespace ocelot::testing
