// The registry's Prometheus text: otelcol's label set on every series, histograms, callbacks.
#include "telemetry/metrics.h"

#include <gtest/gtest.h>

namespace ocelot::telemetry {
namespace {

TEST(MetricsRegistry, ConstLabelsAreOnEverySeriesSortedWithTheSeriesLabels) {
  MetricsRegistry r;
  r.SetConstLabels({{"service_instance_id", "id-1"},
                    {"service_name", "otelcol-contrib"},
                    {"service_version", "0.1.0"}});
  r.GetCounter("otelcol_receiver_accepted_spans", {{"receiver", "otlp"}, {"transport", "grpc"}})
      .Add(5);
  const std::string text = r.PrometheusText();
  EXPECT_NE(text.find("otelcol_receiver_accepted_spans{receiver=\"otlp\",service_instance_id="
                      "\"id-1\",service_name=\"otelcol-contrib\",service_version=\"0.1.0\","
                      "transport=\"grpc\"} 5\n"),
            std::string::npos)
      << text;
  // The identity of a series does not include the constant labels.
  EXPECT_EQ(
      r.Value("otelcol_receiver_accepted_spans", {{"receiver", "otlp"}, {"transport", "grpc"}}), 5);
}

TEST(MetricsRegistry, CallbackCounterIsTypedCounter) {
  MetricsRegistry r;
  r.AddCallbackCounter(
      "otelcol_process_uptime", {}, [] { return 1.5; }, "Uptime of the process");
  const std::string text = r.PrometheusText();
  EXPECT_NE(text.find("# TYPE otelcol_process_uptime counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("otelcol_process_uptime 1.5\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, FractionsPrintShortest) {
  MetricsRegistry r;
  r.GetGauge("g", {}).Set(0.069381);
  EXPECT_NE(r.PrometheusText().find("g 0.069381\n"), std::string::npos) << r.PrometheusText();
}

TEST(MetricsRegistry, HistogramHasCumulativeBucketsSumAndCount) {
  MetricsRegistry r;
  Histogram& h = r.GetHistogram("h", {{"processor", "batch"}}, {10, 100});
  h.Observe(5);
  h.Observe(10);
  h.Observe(50);
  h.Observe(1000);
  const std::string text = r.PrometheusText();
  EXPECT_NE(text.find("# TYPE h histogram\n"), std::string::npos);
  EXPECT_NE(text.find("h_bucket{processor=\"batch\",le=\"10\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{processor=\"batch\",le=\"100\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{processor=\"batch\",le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_sum{processor=\"batch\"} 1065\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_count{processor=\"batch\"} 4\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, SnapshotListsSeriesByPrefix) {
  MetricsRegistry r;
  r.GetCounter("otelcol_exporter_sent_spans", {{"exporter", "a"}}).Add(2);
  r.GetCounter("otelcol_exporter_sent_spans", {{"exporter", "b"}}).Add(3);
  r.GetCounter("other", {}).Add(1);
  auto samples = r.Snapshot("otelcol_exporter_");
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].value + samples[1].value, 5);
}

}  // namespace
}  // namespace ocelot::telemetry
