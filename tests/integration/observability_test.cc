// The collector's self-observability end to end, with the real binary: /metrics counts what a
// pipeline did, health_check, pprof profiles, zpages opened in headless Chromium, the
// configured logs, and `ocelot top`.
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "integration/collector_process.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "pdata/otlp_json.h"
#include "testing/otlp_fixtures.h"
#include "testing/temp_dir.h"
#include "testing/wait.h"

namespace ocelot::testing {
namespace {

namespace trace_service = opentelemetry::proto::collector::trace::v1;

struct HttpResult {
  long status = 0;
  std::string body;
};

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

HttpResult Http(const std::string& url, const std::string* post_json = nullptr,
                long timeout_s = 30) {
  HttpResult result;
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (post_json) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_json->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_json->size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

// The value of the one series whose line contains every `parts`, or -1.
double MetricValue(const std::string& text, const std::string& name,
                   const std::vector<std::string>& parts) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + "{", 0) != 0 && line.rfind(name + " ", 0) != 0) continue;
    bool all = true;
    for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
    if (all) return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return -1;
}

std::string Local(int port) { return "127.0.0.1:" + std::to_string(port); }

class Observability : public ::testing::Test {
 protected:
  TempDir dir;
  int grpc_port = FreePort();
  int http_port = FreePort();
  int health_port = FreePort();
  int pprof_port = FreePort();
  int zpages_port = FreePort();
  int metrics_port = FreePort();

  // The signoz reference config's shape: the three extensions, service telemetry metrics and
  // the otlp receiver, with nop in place of its otlp exporter and loopback ports.
  std::string WriteConfig(const std::string& telemetry_extra = "") {
    std::string path = dir / "config.yaml";
    std::ofstream(path) << "receivers:\n"
                           "  otlp:\n"
                           "    protocols:\n"
                           "      grpc:\n"
                           "        endpoint: "
                        << Local(grpc_port)
                        << "\n"
                           "      http:\n"
                           "        endpoint: "
                        << Local(http_port)
                        << "\n"
                           "processors:\n"
                           "  batch:\n"
                           "    timeout: 50ms\n"
                           "exporters:\n"
                           "  nop:\n"
                           "extensions:\n"
                           "  health_check:\n"
                           "    endpoint: "
                        << Local(health_port)
                        << "\n"
                           "    response_headers:\n"
                           "      x-api-key: s3cr3t-value\n"
                           "  pprof:\n"
                           "    endpoint: "
                        << Local(pprof_port)
                        << "\n"
                           "  zpages:\n"
                           "    endpoint: "
                        << Local(zpages_port)
                        << "\n"
                           "service:\n"
                           "  telemetry:\n"
                           "    metrics:\n"
                           "      address: "
                        << Local(metrics_port) << "\n"
                        << telemetry_extra
                        << "  extensions: [health_check, pprof, zpages]\n"
                           "  pipelines:\n"
                           "    traces:\n"
                           "      receivers: [otlp]\n"
                           "      processors: [batch]\n"
                           "      exporters: [nop]\n";
    return path;
  }

  std::unique_ptr<CollectorProcess> Start(const std::string& config,
                                          std::vector<std::string> env = {}) {
    env.push_back("OCELOT_HISTORY_DIR=" + (dir / "history"));
    auto p = std::make_unique<CollectorProcess>(std::vector<std::string>{"--config", config},
                                                dir / "stderr.txt", env);
    EXPECT_TRUE(WaitForPort(grpc_port)) << p->Stderr();
    EXPECT_TRUE(WaitForPort(health_port)) << p->Stderr();
    // Ready once health_check says so: every component has started.
    EXPECT_TRUE(WaitUntil([&] { return Http("http://" + Local(health_port)).status == 200; },
                          std::chrono::seconds(20)))
        << p->Stderr();
    return p;
  }

  std::string Url(int port, const std::string& path) { return "http://" + Local(port) + path; }

  void SendSpans(int grpc_requests, int spans_each, int http_requests) {
    auto channel = grpc::CreateChannel(Local(grpc_port), grpc::InsecureChannelCredentials());
    auto stub = trace_service::TraceService::NewStub(channel);
    for (int i = 0; i < grpc_requests; ++i) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      trace_service::ExportTraceServiceResponse response;
      ASSERT_TRUE(stub->Export(&ctx, MakeTraces(1, spans_each)->message(), &response).ok());
    }
    for (int i = 0; i < http_requests; ++i) {
      std::string json;
      pdata::AppendOtlpJson(MakeTraces(1, spans_each)->message(), &json);
      ASSERT_EQ(Http(Url(http_port, "/v1/traces"), &json).status, 200);
    }
  }
};

TEST_F(Observability, MetricsCountWhatThePipelineDidWithOtelcolNamesAndLabels) {
  auto collector = Start(WriteConfig());
  SendSpans(/*grpc_requests=*/3, /*spans_each=*/7, /*http_requests=*/2);
  const int grpc_spans = 21, http_spans = 14;
  std::string text;
  // The batch processor sends within its 50ms timeout; wait for the exporter's count.
  ASSERT_TRUE(WaitUntil(
      [&] {
        text = Http(Url(metrics_port, "/metrics")).body;
        return MetricValue(text, "otelcol_exporter_sent_spans", {"exporter=\"nop\""}) ==
               grpc_spans + http_spans;
      },
      std::chrono::seconds(20)))
      << text;
  EXPECT_EQ(MetricValue(text, "otelcol_receiver_accepted_spans",
                        {"receiver=\"otlp\"", "transport=\"grpc\""}),
            grpc_spans)
      << text;
  EXPECT_EQ(MetricValue(text, "otelcol_receiver_accepted_spans",
                        {"receiver=\"otlp\"", "transport=\"http\""}),
            http_spans)
      << text;
  EXPECT_EQ(MetricValue(text, "otelcol_exporter_send_failed_spans", {}), -1) << text;
  // Every series carries otelcol's service labels.
  EXPECT_TRUE(std::regex_search(
      text,
      std::regex("otelcol_process_uptime\\{service_instance_id=\"[0-9a-f-]{36}\","
                 "service_name=\"otelcol-contrib\",service_version=\"[^\"]+\"\\} [0-9.e+-]+")))
      << text;
  for (const char* name :
       {"otelcol_process_uptime", "otelcol_process_memory_rss", "otelcol_process_cpu_seconds",
        "otelcol_process_runtime_heap_alloc_bytes",
        "otelcol_process_runtime_total_sys_memory_bytes"}) {
    EXPECT_GT(MetricValue(text, name, {}), 0) << name << "\n" << text;
  }
  EXPECT_NE(text.find("# TYPE otelcol_receiver_accepted_spans counter"), std::string::npos);

  // `ocelot top` reads the same endpoint.
  std::string out, err;
  EXPECT_EQ(RunOcelot({"top", "--config", dir / "config.yaml", "--once"}, &out, &err), 0) << err;
  EXPECT_NE(out.find("receiver/otlp"), std::string::npos) << out;
  EXPECT_NE(out.find("exporter/nop"), std::string::npos) << out;
  EXPECT_NE(out.find("IN/s"), std::string::npos) << out;
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

TEST_F(Observability, HealthCheckAnswersWithOtelcolsBody) {
  auto collector = Start(WriteConfig());
  HttpResult r = Http(Url(health_port, "/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(std::regex_match(
      r.body, std::regex("\\{\"status\":\"Server available\",\"upSince\":\"[0-9T:.Z-]+\","
                         "\"uptime\":\"[0-9.]+(ms|s|µs)\"\\}")))
      << r.body;
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

TEST_F(Observability, MetricsLevelNoneServesNoMetrics) {
  auto collector = Start(WriteConfig("      level: none\n"));
  EXPECT_EQ(Http(Url(metrics_port, "/metrics"), nullptr, 5).status, 0);  // nothing listens
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

TEST_F(Observability, BusyExplicitMetricsAddressFailsTheStart) {
  // Another collector's metrics endpoint holds the port.
  auto first = Start(WriteConfig());
  const int busy_metrics = metrics_port;
  grpc_port = FreePort();
  http_port = FreePort();
  health_port = FreePort();
  pprof_port = FreePort();
  zpages_port = FreePort();
  metrics_port = busy_metrics;
  std::string err;
  std::string config = WriteConfig();
  EXPECT_EQ(RunOcelot({"--config", config}, nullptr, &err), 1);
  EXPECT_NE(err.find("service::telemetry::metrics: listen on " + Local(busy_metrics)),
            std::string::npos)
      << err;
  EXPECT_EQ(first->Stop(), 0);
}

TEST_F(Observability, PprofServesATwoSecondCpuProfileInGperftoolsFormat) {
  auto collector = Start(WriteConfig());
  HttpResult r = Http(Url(pprof_port, "/debug/pprof/profile?seconds=2"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_GE(r.body.size(), 8 * sizeof(uintptr_t));
  uintptr_t header[5];
  std::memcpy(header, r.body.data(), sizeof(header));
  // gperftools' legacy CPU profile: 0, 3 header words, version 0, sampling period, padding 0.
  EXPECT_EQ(header[0], 0u);
  EXPECT_EQ(header[1], 3u);
  EXPECT_EQ(header[2], 0u);
  EXPECT_EQ(header[3], 10000u) << "100 Hz";
  EXPECT_EQ(header[4], 0u);
  EXPECT_NE(r.body.find("/ocelot"), std::string::npos) << "the memory map names the binary";
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

TEST_F(Observability, PprofHeapProfileWithTcmallocPreloaded) {
  const std::string tcmalloc = "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4";
  if (!std::filesystem::exists(tcmalloc)) GTEST_SKIP() << tcmalloc << " is not installed";
  auto collector =
      Start(WriteConfig(), {"LD_PRELOAD=" + tcmalloc, "TCMALLOC_SAMPLE_PARAMETER=524288"});
  HttpResult r = Http(Url(pprof_port, "/debug/pprof/heap"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.rfind("heap profile: ", 0), 0u) << r.body.substr(0, 200);
  EXPECT_NE(r.body.find("heap_v2/524288"), std::string::npos) << r.body.substr(0, 200);
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

TEST_F(Observability, PprofHeapWithoutTcmallocSaysWhy) {
  auto collector = Start(WriteConfig());
  HttpResult r = Http(Url(pprof_port, "/debug/pprof/heap"));
  EXPECT_EQ(r.status, 501);
  EXPECT_NE(r.body.find("tcmalloc"), std::string::npos) << r.body;
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

TEST_F(Observability, LogsFollowServiceTelemetryLogs) {
  const std::string log = dir / "ocelot.log";
  auto collector =
      Start(WriteConfig("    logs:\n"
                        "      encoding: json\n"
                        "      output_paths: [" +
                        log +
                        "]\n"
                        "      initial_fields:\n"
                        "        deployment: test-eu\n"));
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
  const std::string text = ReadFile(log);
  EXPECT_NE(text.find("{\"level\":\"info\",\"ts\":\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"logger\":\"extension/health_check\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"deployment\":\"test-eu\"}"), std::string::npos) << text;
}

// zpages as a person sees them: each page opened in headless Chromium, its rendered DOM
// checked, and a screenshot kept in the build tree (zpages-screenshots/). One test per page:
// each Chromium start takes seconds.
class ZpagesInChromium : public Observability, public ::testing::WithParamInterface<std::string> {
 protected:
  static std::string Chromium() {
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
      if (std::filesystem::exists(p)) return p;
    }
    return "";
  }

  // Runs Chromium headless on `url`; returns its stdout (the DOM with --dump-dom).
  std::string Run(const std::string& mode, const std::string& url) {
    const std::string profile = dir / ("chromium-profile-" + std::to_string(++runs_));
    const std::string out = dir / "chromium.out";
    const std::string cmd =
        "timeout 90 " + Chromium() +
        " --headless --no-sandbox --disable-gpu --disable-background-networking"
        " --disable-component-update --no-first-run --disable-sync --disable-dev-shm-usage"
        " --hide-scrollbars --window-size=1280,900 --user-data-dir=" +
        profile + " " + mode + " '" + url + "' > " + out + " 2> " + (dir / "chromium.err");
    int rc = std::system(cmd.c_str());
    EXPECT_EQ(rc, 0) << cmd << "\n" << ReadFile(dir / "chromium.err");
    return ReadFile(out);
  }

  int runs_ = 0;
};

TEST_P(ZpagesInChromium, PageRendersItsContent) {
  if (Chromium().empty()) GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh)";
  const std::string page = GetParam();
  const std::map<std::string, std::vector<std::string>> expected = {
      {"servicez",
       {"<h1>Service</h1>", "Start time", "service_instance_id", "otelcol-contrib",
        "Where components listen and write", "x-api-key: \"[REDACTED]\""}},
      {"pipelinez",
       {"Pipeline <code>traces</code>", "<code>otlp</code>", "<code>batch</code>",
        "<code>nop</code></td><td class=\"n\">15</td><td class=\"n\">15</td>"}},
      {"extensionz", {"<code>health_check</code>", "<code>pprof</code>", "<code>zpages</code>"}},
      {"featurez", {"<h1>Feature gates</h1>", "no feature gates"}},
      {"tracez",
       {"<code>receiver/otlp/TraceDataReceived</code>", "<code>exporter/nop/traces</code>",
        "&gt;10µs"}},
  };
  auto collector = Start(WriteConfig());
  SendSpans(2, 5, 1);
  // Wait until the batch reached the exporter, so pipelinez and tracez have something to show.
  ASSERT_TRUE(WaitUntil(
      [&] {
        return MetricValue(Http(Url(metrics_port, "/metrics")).body, "otelcol_exporter_sent_spans",
                           {}) == 15;
      },
      std::chrono::seconds(20)));

  const std::string url = Url(zpages_port, "/debug/" + page);
  std::string dom = Run("--dump-dom", url);
  EXPECT_EQ(dom.find("s3cr3t-value"), std::string::npos) << "a secret is shown";
  for (const std::string& e : expected.at(page)) {
    EXPECT_NE(dom.find(e), std::string::npos) << e << "\n" << dom;
  }

  const std::filesystem::path shots = OBS_SCREENSHOT_DIR;
  std::filesystem::create_directories(shots);
  const std::string png = (shots / (page + ".png")).string();
  std::filesystem::remove(png);
  Run("--screenshot=" + png, url);
  std::string bytes = ReadFile(png);
  ASSERT_GT(bytes.size(), 1000u) << png;
  EXPECT_EQ(bytes.substr(1, 3), "PNG") << png;
  EXPECT_EQ(collector->Stop(), 0) << collector->Stderr();
}

INSTANTIATE_TEST_SUITE_P(Pages, ZpagesInChromium,
                         ::testing::Values("servicez", "pipelinez", "extensionz", "featurez",
                                           "tracez"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ocelot::testing
