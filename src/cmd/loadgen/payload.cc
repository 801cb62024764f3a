#include "cmd/loadgen/payload.h"

#include <chrono>

#include "pdata/otlp_json.h"

namespace ocelot::loadgen {
namespace {

using opentelemetry::proto::common::v1::KeyValue;

template <typename Repeated>
void AddAttributes(const Shape& shape, int salt, Repeated* attrs) {
  for (int a = 0; a < shape.attributes; ++a) {
    KeyValue* kv = attrs->Add();
    kv->set_key("attr." + std::to_string(a));
    std::string value(static_cast<size_t>(shape.attribute_size), 'v');
    std::string tag = std::to_string(salt);
    value.replace(0, std::min(tag.size(), value.size()), tag.substr(0, value.size()));
    kv->mutable_value()->set_string_value(value);
  }
}

void FillResource(opentelemetry::proto::resource::v1::Resource* r) {
  KeyValue* kv = r->add_attributes();
  kv->set_key("service.name");
  kv->mutable_value()->set_string_value("ocelot-loadgen");
}

}  // namespace

Payload BuildPayload(const Shape& shape) {
  Payload p;
  const uint64_t t0 =
      shape.start_unix_nano != 0
          ? shape.start_unix_nano
          : static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
  const uint32_t v = static_cast<uint32_t>(shape.variant);
  if (shape.signal == "metrics") {
    pdata::MetricsRequest req;
    auto* rm = req.add_resource_metrics();
    FillResource(rm->mutable_resource());
    auto* metric = rm->add_scope_metrics()->add_metrics();
    metric->set_name("loadgen.requests");
    auto* sum = metric->mutable_sum();
    sum->set_is_monotonic(true);
    sum->set_aggregation_temporality(
        opentelemetry::proto::metrics::v1::AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (int i = 0; i < shape.items_per_request; ++i) {
      auto* dp = sum->add_data_points();
      dp->set_as_int(i);
      dp->set_time_unix_nano(t0 + i);
      AddAttributes(shape, i, dp->mutable_attributes());
    }
    req.SerializeToString(&p.proto);
    pdata::AppendOtlpJson(req, &p.json);
    p.grpc_method = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
    p.http_path = "/v1/metrics";
  } else if (shape.signal == "logs") {
    pdata::LogsRequest req;
    auto* rl = req.add_resource_logs();
    FillResource(rl->mutable_resource());
    auto* sl = rl->add_scope_logs();
    for (int i = 0; i < shape.items_per_request; ++i) {
      auto* rec = sl->add_log_records();
      rec->set_time_unix_nano(t0 + i);
      rec->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_INFO);
      rec->set_severity_text("INFO");
      rec->mutable_body()->set_string_value("request handled in " + std::to_string(i) + " ms");
      AddAttributes(shape, i, rec->mutable_attributes());
    }
    req.SerializeToString(&p.proto);
    pdata::AppendOtlpJson(req, &p.json);
    p.grpc_method = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
    p.http_path = "/v1/logs";
  } else {
    pdata::TracesRequest req;
    auto* rs = req.add_resource_spans();
    FillResource(rs->mutable_resource());
    auto* ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("ocelot.loadgen");
    for (int i = 0; i < shape.items_per_request; ++i) {
      auto* s = ss->add_spans();
      std::string trace_id(16, '\0');
      for (int b = 0; b < 8; ++b) trace_id[b] = static_cast<char>((i >> (b * 8)) & 0xff);
      for (int b = 0; b < 4; ++b) trace_id[8 + b] = static_cast<char>((v >> (b * 8)) & 0xff);
      trace_id[15] = 1;
      s->set_trace_id(trace_id);
      std::string span_id("\1\2\3\4\5\6\7\10", 8);
      for (int b = 0; b < 4; ++b)
        span_id[b] ^= static_cast<char>(((v * 2654435761u + i) >> (b * 8)) & 0xff);
      s->set_span_id(span_id);
      s->set_name("GET /api/items/" + std::to_string(i % 50));
      s->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
      s->set_start_time_unix_nano(t0 + i * 1000);
      s->set_end_time_unix_nano(t0 + i * 1000 + 250000);
      AddAttributes(shape, i, s->mutable_attributes());
      for (int e = 0; e < shape.events; ++e) {
        auto* ev = s->add_events();
        ev->set_name("event." + std::to_string(e));
        ev->set_time_unix_nano(t0 + i * 1000 + e);
      }
    }
    req.SerializeToString(&p.proto);
    pdata::AppendOtlpJson(req, &p.json);
    p.grpc_method = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    p.http_path = "/v1/traces";
  }
  return p;
}

}  // namespace ocelot::loadgen
