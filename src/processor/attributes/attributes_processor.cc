#include "processor/attributes/attributes_processor.h"

namespace ocelot::processor::attributes {
namespace {

// Whether any item of a request is selected: a look without copying a shared chunk.
bool AnySelected(const Selector& s, const pdata::TracesRequest& r) {
  for (const auto& rs : r.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& span : ss.spans()) {
        if (s.Selected(span, rs.resource(), ss.scope())) return true;
      }
    }
  }
  return false;
}

bool AnySelected(const Selector& s, const pdata::LogsRequest& r) {
  for (const auto& rl : r.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) {
      for (const auto& record : sl.log_records()) {
        if (s.Selected(record, rl.resource(), sl.scope())) return true;
      }
    }
  }
  return false;
}

bool AnySelected(const Selector& s, const pdata::MetricsRequest& r) {
  for (const auto& rm : r.resource_metrics()) {
    for (const auto& sm : rm.scope_metrics()) {
      for (const auto& metric : sm.metrics()) {
        if (s.Selected(metric)) return true;
      }
    }
  }
  return false;
}

void Apply(const Selector& s, const pdata::AttributeActions& a, pdata::TracesRequest* r) {
  for (auto& rs : *r->mutable_resource_spans()) {
    for (auto& ss : *rs.mutable_scope_spans()) {
      for (auto& span : *ss.mutable_spans()) {
        if (s.Selected(span, rs.resource(), ss.scope())) a.Apply(span.mutable_attributes());
      }
    }
  }
}

void Apply(const Selector& s, const pdata::AttributeActions& a, pdata::LogsRequest* r) {
  for (auto& rl : *r->mutable_resource_logs()) {
    for (auto& sl : *rl.mutable_scope_logs()) {
      for (auto& record : *sl.mutable_log_records()) {
        if (s.Selected(record, rl.resource(), sl.scope())) a.Apply(record.mutable_attributes());
      }
    }
  }
}

template <typename Points>
void ApplyToPoints(const pdata::AttributeActions& a, Points* points) {
  for (auto& dp : *points) a.Apply(dp.mutable_attributes());
}

void Apply(const Selector& s, const pdata::AttributeActions& a, pdata::MetricsRequest* r) {
  using opentelemetry::proto::metrics::v1::Metric;
  for (auto& rm : *r->mutable_resource_metrics()) {
    for (auto& sm : *rm.mutable_scope_metrics()) {
      for (auto& m : *sm.mutable_metrics()) {
        if (!s.Selected(m)) continue;
        switch (m.data_case()) {
          case Metric::kGauge:
            ApplyToPoints(a, m.mutable_gauge()->mutable_data_points());
            break;
          case Metric::kSum:
            ApplyToPoints(a, m.mutable_sum()->mutable_data_points());
            break;
          case Metric::kHistogram:
            ApplyToPoints(a, m.mutable_histogram()->mutable_data_points());
            break;
          case Metric::kExponentialHistogram:
            ApplyToPoints(a, m.mutable_exponential_histogram()->mutable_data_points());
            break;
          case Metric::kSummary:
            ApplyToPoints(a, m.mutable_summary()->mutable_data_points());
            break;
          case Metric::DATA_NOT_SET:
            break;
        }
      }
    }
  }
}

}  // namespace

template <typename BatchT>
absl::Status AttributesProcessor<BatchT>::Consume(BatchT batch) {
  for (size_t i = 0; i < batch.entries().size(); ++i) {
    if (!selector_.selects_everything() &&
        !AnySelected(selector_, batch.entries()[i].chunk->message())) {
      continue;
    }
    Apply(selector_, actions_, &batch.MutableMessage(i));
  }
  return next_->Consume(std::move(batch));
}

template <typename BatchT>
consumer::TracesConsumer* AttributesProcessor<BatchT>::traces() {
  if constexpr (std::is_same_v<BatchT, pdata::Traces>) return this;
  return nullptr;
}
template <typename BatchT>
consumer::MetricsConsumer* AttributesProcessor<BatchT>::metrics() {
  if constexpr (std::is_same_v<BatchT, pdata::Metrics>) return this;
  return nullptr;
}
template <typename BatchT>
consumer::LogsConsumer* AttributesProcessor<BatchT>::logs() {
  if constexpr (std::is_same_v<BatchT, pdata::Logs>) return this;
  return nullptr;
}

template class AttributesProcessor<pdata::Traces>;
template class AttributesProcessor<pdata::Metrics>;
template class AttributesProcessor<pdata::Logs>;

}  // namespace ocelot::processor::attributes
