// zpages: each page renders what the collector runs and its live counters, escapes what it
// shows, and the server answers 404, 405 and redirects like a small web site should.
#include <gtest/gtest.h>

#include "extension/zpages/pages.h"
#include "extension/zpages/zpages_extension.h"
#include "telemetry/obsreport.h"
#include "testing/test_host.h"

namespace ocelot::extension::zpages {
namespace {

component::CollectorDescription Describe() {
  component::CollectorDescription d;
  d.version = "9.9.9";
  d.start_time = std::chrono::system_clock::now() - std::chrono::minutes(3);
  d.pipelines.push_back({"traces", {{"otlp", ""}}, {{"batch", ""}}, {{"nop", ""}}});
  d.pipelines.push_back({"logs/x", {{"otlp", ""}}, {}, {{"file", "logs"}}});
  d.extensions = {{"health_check", ""}, {"zpages", ""}};
  d.summary = {"otlp: OTLP/gRPC listening on 127.0.0.1:4317"};
  d.effective_config = "exporters:\n  otlp:\n    headers:\n      api-key: \"[REDACTED]\"\n<b>";
  return d;
}

struct Fixture {
  component::CollectorDescription description = Describe();
  telemetry::MetricsRegistry metrics;
  PageContext ctx() {
    PageContext c;
    c.description = &description;
    c.metrics = &metrics;
    return c;
  }
};

TEST(Zpages, ServicezShowsVersionStartConfigAndLinks) {
  Fixture f;
  f.metrics.SetConstLabels({{"service_instance_id", "abc-123"}});
  std::string page = ServicezPage(f.ctx());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("9.9.9"), std::string::npos);
  EXPECT_NE(page.find("abc-123"), std::string::npos);
  EXPECT_NE(page.find("Start time"), std::string::npos);
  EXPECT_NE(page.find("OTLP/gRPC listening on 127.0.0.1:4317"), std::string::npos);
  EXPECT_NE(page.find("[REDACTED]"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;"), std::string::npos) << "config text is escaped";
  EXPECT_EQ(page.find("<b>\n"), std::string::npos);
  for (const char* link :
       {"/debug/pipelinez", "/debug/extensionz", "/debug/featurez", "/debug/tracez"}) {
    EXPECT_NE(page.find(link), std::string::npos) << link;
  }
  EXPECT_EQ(page.find("http://"), std::string::npos) << "no external assets";
}

TEST(Zpages, PipelinezShowsComponentsWithLiveCounters) {
  Fixture f;
  telemetry::ReceiverTelemetry grpc(&f.metrics, "otlp", "grpc");
  telemetry::ReceiverTelemetry http(&f.metrics, "otlp", "http");
  telemetry::ExporterTelemetry nop(&f.metrics, "nop");
  grpc.Record(pdata::Signal::kTraces, 40, absl::OkStatus(), telemetry::Clock::now());
  http.Record(pdata::Signal::kTraces, 2, absl::OkStatus(), telemetry::Clock::now());
  http.Record(pdata::Signal::kTraces, 5, absl::UnavailableError("x"), telemetry::Clock::now());
  nop.Record(pdata::Signal::kTraces, 42, absl::OkStatus(), telemetry::Clock::now());
  std::string page = PipelinezPage(f.ctx());
  EXPECT_NE(page.find("Pipeline <code>traces</code>"), std::string::npos);
  EXPECT_NE(page.find("Pipeline <code>logs/x</code>"), std::string::npos);
  EXPECT_NE(page.find("<code>file/logs</code>"), std::string::npos);
  EXPECT_NE(page.find("<code>batch</code>"), std::string::npos);
  // otlp in traces: 42 accepted over both transports, 5 refused.
  EXPECT_NE(page.find("<code>otlp</code></td><td class=\"n\">42</td><td class=\"n\">42</td>"
                      "<td class=\"n bad\">5</td>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<code>nop</code></td><td class=\"n\">42</td><td class=\"n\">42</td>"),
            std::string::npos)
      << page;
}

TEST(Zpages, ExtensionzAndFeaturez) {
  Fixture f;
  std::string ext = ExtensionzPage(f.ctx());
  EXPECT_NE(ext.find("<code>health_check</code>"), std::string::npos);
  EXPECT_NE(ext.find("<code>zpages</code>"), std::string::npos);
  f.description.feature_gates = {"exporter.otlp.foo"};
  std::string feat = FeaturezPage(f.ctx());
  EXPECT_NE(feat.find("no feature gates"), std::string::npos);
  EXPECT_NE(feat.find("exporter.otlp.foo"), std::string::npos);
}

TEST(Zpages, TracezListsSpanNamesByLatencyAndErrorSamples) {
  Fixture f;
  telemetry::ExporterTelemetry nop(&f.metrics, "nop");
  nop.Record(pdata::Signal::kTraces, 3, absl::OkStatus(), telemetry::Clock::now());
  nop.Record(pdata::Signal::kTraces, 4, absl::InternalError("disk <full>"),
             telemetry::Clock::now());
  std::string page = TracezPage(f.ctx(), "");
  EXPECT_NE(page.find("<code>exporter/nop/traces</code>"), std::string::npos) << page;
  EXPECT_NE(page.find("zspanname=exporter%2Fnop%2Ftraces&amp;ztype=2"), std::string::npos) << page;
  std::string errors = TracezPage(f.ctx(), "zspanname=exporter%2Fnop%2Ftraces&ztype=2");
  EXPECT_NE(errors.find("disk &lt;full&gt;"), std::string::npos) << errors;
  // The sample's latency depends on how busy the machine is: look in every latency bucket.
  std::string latency;
  for (int bucket = 0; bucket < 9; ++bucket) {
    latency += TracezPage(f.ctx(), "zspanname=exporter%2Fnop%2Ftraces&ztype=1&zlatencybucket=" +
                                       std::to_string(bucket));
  }
  EXPECT_NE(latency.find("<td>3</td>"), std::string::npos) << latency;
}

TEST(Zpages, ServerAnswersPagesRedirectsAnd404s) {
  testing::TestHost host;
  telemetry::MetricsRegistry metrics;
  Config config;
  config.endpoint = "127.0.0.1:0";
  ZpagesExtension z(config, nullptr, &metrics);
  ASSERT_TRUE(z.Start(host).ok());
  auto get = [&](const std::string& path) {
    net::HttpRequest r;
    r.method = "GET";
    r.path = path;
    return z.Handle(r);
  };
  for (const char* p : {"/debug/servicez", "/debug/pipelinez", "/debug/extensionz",
                        "/debug/featurez", "/debug/tracez"}) {
    net::HttpResponse r = get(p);
    EXPECT_EQ(r.status, 200) << p;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  }
  EXPECT_EQ(get("/").status, 302);
  EXPECT_EQ(get("/debug/rpcz").status, 404);
  net::HttpRequest post;
  post.method = "POST";
  post.path = "/debug/servicez";
  EXPECT_EQ(z.Handle(post).status, 405);
  z.Shutdown();
}

TEST(Zpages, QueryParamsDecode) {
  EXPECT_EQ(QueryParam("a=1&zspanname=exporter%2Fx+y", "zspanname"), "exporter/x y");
  EXPECT_EQ(QueryParam("a=1", "b"), "");
  EXPECT_EQ(UrlEncode("receiver/otlp"), "receiver%2Fotlp");
}

}  // namespace
}  // namespace ocelot::extension::zpages
