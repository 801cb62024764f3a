// health_check's answers through the collector's lifecycle, with otelcol's body shape, and its
// exporter check.
#include "extension/healthcheck/health_check.h"

#include <gtest/gtest.h>

#include "telemetry/obsreport.h"
#include "testing/test_host.h"

namespace ocelot::extension::healthcheck {
namespace {

using component::CollectorStatus;

net::HttpRequest Get(const std::string& path) {
  net::HttpRequest r;
  r.method = "GET";
  r.path = path;
  return r;
}

TEST(HealthCheck, UnavailableWhileStartingAvailableWhileRunningUnavailableWhileStopping) {
  Config config;
  HealthCheck hc(config, nullptr, nullptr);

  net::HttpResponse r = hc.Handle(Get("/"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body,
            "{\"status\":\"Server not available\",\"upSince\":\"0001-01-01T00:00:00Z\","
            "\"uptime\":\"\",\"reason\":\"the collector is starting\"}");

  hc.OnCollectorStatus(CollectorStatus::kRunning);
  r = hc.Handle(Get("/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.rfind("{\"status\":\"Server available\",\"upSince\":\"", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("\",\"uptime\":\""), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("reason"), std::string::npos) << r.body;

  hc.OnCollectorStatus(CollectorStatus::kStopping);
  r = hc.Handle(Get("/"));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("\"reason\":\"the collector is shutting down\""), std::string::npos);
}

TEST(HealthCheck, PathMatchesLikeGosServeMux) {
  Config config;
  config.path = "/health/status";
  HealthCheck hc(config, nullptr, nullptr);
  hc.OnCollectorStatus(CollectorStatus::kRunning);
  EXPECT_EQ(hc.Handle(Get("/health/status")).status, 200);
  EXPECT_EQ(hc.Handle(Get("/health/status/x")).status, 404);
  EXPECT_EQ(hc.Handle(Get("/")).status, 404);

  config.path = "/";  // the default: a subtree, every path
  HealthCheck root(config, nullptr, nullptr);
  root.OnCollectorStatus(CollectorStatus::kRunning);
  EXPECT_EQ(root.Handle(Get("/anything")).status, 200);
}

TEST(HealthCheck, ResponseBodyOverridesTheJson) {
  Config config;
  config.response_body = ResponseBodyConfig{"I'm OK", "I'm not well"};
  HealthCheck hc(config, nullptr, nullptr);
  EXPECT_EQ(hc.Handle(Get("/")).body, "I'm not well");
  hc.OnCollectorStatus(CollectorStatus::kRunning);
  EXPECT_EQ(hc.Handle(Get("/")).body, "I'm OK");
}

TEST(HealthCheck, FailingExporterMakesItUnavailableUntilItSucceeds) {
  telemetry::MetricsRegistry metrics;
  telemetry::ExporterTelemetry exporter(&metrics, "otlp/backend");
  Config config;
  config.check_collector_pipeline.enabled = true;
  config.check_collector_pipeline.interval = std::chrono::minutes(1);
  config.check_collector_pipeline.exporter_failure_threshold = 2;
  HealthCheck hc(config, nullptr, &metrics);
  hc.OnCollectorStatus(CollectorStatus::kRunning);

  auto fail = [&] {
    exporter.Record(pdata::Signal::kTraces, 1, absl::UnavailableError("connection refused"),
                    telemetry::Clock::now());
  };
  fail();
  EXPECT_EQ(hc.Handle(Get("/")).status, 200) << "one failure is under the threshold";
  fail();
  net::HttpResponse r = hc.Handle(Get("/"));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("exporter/otlp/backend failed 2 times in the last 1m0s"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("connection refused"), std::string::npos) << r.body;

  exporter.Record(pdata::Signal::kTraces, 1, absl::OkStatus(), telemetry::Clock::now());
  EXPECT_EQ(hc.Handle(Get("/")).status, 200);
}

TEST(HealthCheck, ExporterFailuresAreIgnoredWithoutCheckCollectorPipeline) {
  telemetry::MetricsRegistry metrics;
  telemetry::ExporterTelemetry exporter(&metrics, "otlp");
  for (int i = 0; i < 10; ++i) {
    exporter.Record(pdata::Signal::kLogs, 1, absl::UnavailableError("down"),
                    telemetry::Clock::now());
  }
  HealthCheck hc(Config{}, nullptr, &metrics);
  hc.OnCollectorStatus(CollectorStatus::kRunning);
  EXPECT_EQ(hc.Handle(Get("/")).status, 200);
}

TEST(HealthCheck, ServesOverHttp) {
  testing::TestHost host;
  Config config;
  config.endpoint = "127.0.0.1:0";
  HealthCheck hc(config, nullptr, nullptr);
  ASSERT_TRUE(hc.Start(host).ok());
  EXPECT_GT(hc.port(), 0);
  hc.Shutdown();
}

TEST(GoFormats, DurationAndTimeMatchGo) {
  using std::chrono::milliseconds;
  using std::chrono::nanoseconds;
  EXPECT_EQ(GoDuration(nanoseconds(0)), "0s");
  EXPECT_EQ(GoDuration(nanoseconds(999)), "999ns");
  EXPECT_EQ(GoDuration(nanoseconds(1500)), "1.5\u00b5s");
  EXPECT_EQ(GoDuration(milliseconds(350)), "350ms");
  EXPECT_EQ(GoDuration(nanoseconds(2503417591)), "2.503417591s");
  EXPECT_EQ(GoDuration(milliseconds(62500)), "1m2.5s");
  EXPECT_EQ(GoDuration(std::chrono::hours(1)), "1h0m0s");
  EXPECT_EQ(GoTime(std::chrono::system_clock::time_point{}), "0001-01-01T00:00:00Z");
  auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1709805600)) +
           std::chrono::microseconds(123450);
  EXPECT_EQ(GoTime(t), "2024-03-07T10:00:00.12345Z");
}

}  // namespace
}  // namespace ocelot::extension::healthcheck
