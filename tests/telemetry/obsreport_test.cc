// Receivers and exporters count with otelcol's names, record tracez samples, and exporters
// report to the component status board.
#include "telemetry/obsreport.h"

#include <gtest/gtest.h>

namespace ocelot::telemetry {
namespace {

TEST(ReceiverTelemetry, CountsAcceptedAndRefusedPerTransportAndSignal) {
  MetricsRegistry r;
  ReceiverTelemetry grpc(&r, "otlp", "grpc");
  ReceiverTelemetry http(&r, "otlp", "http");
  grpc.Record(pdata::Signal::kTraces, 10, absl::OkStatus(), Clock::now());
  grpc.Record(pdata::Signal::kTraces, 3, absl::UnavailableError("full"), Clock::now());
  http.Record(pdata::Signal::kLogs, 7, absl::OkStatus(), Clock::now());
  http.Record(pdata::Signal::kMetrics, 2, absl::OkStatus(), Clock::now());
  const Labels g = {{"receiver", "otlp"}, {"transport", "grpc"}};
  const Labels h = {{"receiver", "otlp"}, {"transport", "http"}};
  EXPECT_EQ(r.Value("otelcol_receiver_accepted_spans", g), 10);
  EXPECT_EQ(r.Value("otelcol_receiver_refused_spans", g), 3);
  EXPECT_EQ(r.Value("otelcol_receiver_accepted_log_records", h), 7);
  EXPECT_EQ(r.Value("otelcol_receiver_accepted_metric_points", h), 2);
  // Series appear when first recorded, as otelcol's do.
  EXPECT_EQ(r.Value("otelcol_receiver_refused_log_records", h), -1);

  auto summaries = r.operations().Summaries();
  ASSERT_EQ(summaries.size(), 3u);
  EXPECT_EQ(summaries[2].name, "receiver/otlp/TraceDataReceived");
  EXPECT_EQ(summaries[2].errors, 1);
  auto errors = r.operations().Samples("receiver/otlp/TraceDataReceived", -1);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].items, 3);
  EXPECT_EQ(errors[0].message, "full");
}

TEST(ReceiverTelemetry, NullRegistryIsANoOp) {
  ReceiverTelemetry t(nullptr, "otlp", "grpc");
  t.Record(pdata::Signal::kTraces, 1, absl::OkStatus(), Clock::now());
}

TEST(ExporterTelemetry, CountExportCountsSentAndFailedAndReportsStatus) {
  MetricsRegistry r;
  ExporterTelemetry t(&r, "otlp/backend");
  EXPECT_TRUE(CountExport(t, pdata::Signal::kTraces, 5, [] { return absl::OkStatus(); }).ok());
  absl::Status s = CountExport(t, pdata::Signal::kTraces, 4,
                               [] { return absl::UnavailableError("connection refused"); });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  const Labels e = {{"exporter", "otlp/backend"}};
  EXPECT_EQ(r.Value("otelcol_exporter_sent_spans", e), 5);
  EXPECT_EQ(r.Value("otelcol_exporter_send_failed_spans", e), 4);

  auto status = r.component_status().Snapshot(std::chrono::minutes(1));
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].component, "exporter/otlp/backend");
  EXPECT_EQ(status[0].successes, 1);
  EXPECT_EQ(status[0].failures, 1);
  EXPECT_EQ(status[0].failures_in_window, 1);
  EXPECT_TRUE(status[0].failing_since.has_value());
  EXPECT_EQ(status[0].last_error, "connection refused");

  CountExport(t, pdata::Signal::kTraces, 1, [] { return absl::OkStatus(); });
  status = r.component_status().Snapshot(std::chrono::minutes(1));
  EXPECT_FALSE(status[0].failing_since.has_value());
}

TEST(BatchProcessorTelemetry, CountsTriggersAndObservesSize) {
  MetricsRegistry r;
  BatchProcessorTelemetry t(&r, "batch");
  t.RecordSend(BatchProcessorTelemetry::Trigger::kBatchSize, 8192);
  t.RecordSend(BatchProcessorTelemetry::Trigger::kTimeout, 10);
  t.RecordSend(BatchProcessorTelemetry::Trigger::kShutdown, 1);
  const Labels b = {{"processor", "batch"}};
  EXPECT_EQ(r.Value("otelcol_processor_batch_batch_size_trigger_send", b), 1);
  EXPECT_EQ(r.Value("otelcol_processor_batch_timeout_trigger_send", b), 1);
  const std::string text = r.PrometheusText();
  EXPECT_NE(text.find("otelcol_processor_batch_batch_send_size_count{processor=\"batch\"} 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("otelcol_processor_batch_batch_send_size_sum{processor=\"batch\"} 8203"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace ocelot::telemetry
