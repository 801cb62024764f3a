// /metrics over real HTTP: the text, its content type, and what other paths answer.
#include "telemetry/prometheus_server.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include "testing/test_host.h"

namespace ocelot::telemetry {
namespace {

struct Got {
  long status = 0;
  std::string body;
  std::string content_type;
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

Got Get(const std::string& url) {
  Got g;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &g.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  if (curl_easy_perform(c) == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &g.status);
    char* ct = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    if (ct) g.content_type = ct;
  }
  curl_easy_cleanup(c);
  return g;
}

TEST(PrometheusServer, ServesTheRegistryOnMetrics) {
  testing::TestHost host;
  MetricsRegistry registry;
  registry.GetCounter("otelcol_exporter_sent_spans", {{"exporter", "nop"}}).Add(42);
  auto server = PrometheusServer::Start(host.io_context(), "127.0.0.1:0", &registry);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string base = "http://127.0.0.1:" + std::to_string((*server)->port());
  Got g = Get(base + "/metrics");
  EXPECT_EQ(g.status, 200);
  EXPECT_EQ(g.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(g.body.find("otelcol_exporter_sent_spans{exporter=\"nop\"} 42\n"), std::string::npos)
      << g.body;
  EXPECT_EQ(Get(base + "/").status, 404);
  (*server)->Stop();
}

TEST(PrometheusServer, BusyPortFailsNamingTheEndpoint) {
  testing::TestHost host;
  MetricsRegistry registry;
  auto first = PrometheusServer::Start(host.io_context(), "127.0.0.1:0", &registry);
  ASSERT_TRUE(first.ok());
  const std::string endpoint = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = PrometheusServer::Start(host.io_context(), endpoint, &registry);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(std::string(second.status().message()).find(endpoint), std::string::npos);
}

}  // namespace
}  // namespace ocelot::telemetry
