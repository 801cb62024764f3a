#include "testing/otlp_fixtures.h"

namespace ocelot::testing {

std::shared_ptr<pdata::Chunk<pdata::TracesRequest>> MakeTraces(int resources, int spans_each,
                                                               const std::string& service) {
  auto chunk = std::make_shared<pdata::Chunk<pdata::TracesRequest>>();
  for (int r = 0; r < resources; ++r) {
    auto* rs = chunk->message().add_resource_spans();
    auto* attr = rs->mutable_resource()->add_attributes();
    attr->set_key("service.name");
    attr->mutable_value()->set_string_value(service);
    auto* ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("test");
    for (int i = 0; i < spans_each; ++i) {
      auto* span = ss->add_spans();
      span->set_name("span-" + std::to_string(r) + "-" + std::to_string(i));
      span->set_trace_id(std::string(16, static_cast<char>(r + 1)));
      span->set_span_id(std::string(8, static_cast<char>(i + 1)));
      span->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
      span->set_start_time_unix_nano(1700000000000000000ULL + i);
      span->set_end_time_unix_nano(1700000000000001000ULL + i);
    }
  }
  return chunk;
}

std::shared_ptr<pdata::Chunk<pdata::MetricsRequest>> MakeMetrics(int metrics, int points_each) {
  auto chunk = std::make_shared<pdata::Chunk<pdata::MetricsRequest>>();
  auto* sm = chunk->message().add_resource_metrics()->add_scope_metrics();
  for (int m = 0; m < metrics; ++m) {
    auto* metric = sm->add_metrics();
    metric->set_name("metric-" + std::to_string(m));
    auto* sum = metric->mutable_sum();
    sum->set_is_monotonic(true);
    sum->set_aggregation_temporality(
        opentelemetry::proto::metrics::v1::AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (int p = 0; p < points_each; ++p) {
      auto* dp = sum->add_data_points();
      dp->set_as_int(p);
      dp->set_time_unix_nano(1700000000000000000ULL + p);
    }
  }
  return chunk;
}

std::shared_ptr<pdata::Chunk<pdata::LogsRequest>> MakeLogs(int records) {
  auto chunk = std::make_shared<pdata::Chunk<pdata::LogsRequest>>();
  auto* sl = chunk->message().add_resource_logs()->add_scope_logs();
  for (int i = 0; i < records; ++i) {
    auto* rec = sl->add_log_records();
    rec->mutable_body()->set_string_value("line " + std::to_string(i));
    rec->set_time_unix_nano(1700000000000000000ULL + i);
  }
  return chunk;
}

}  // namespace ocelot::testing
