// Item counting and splitting for the three signals. Splitting keeps each item's resource and
// scope (and, for metrics, the metric's identity) on both sides of the cut.
#include "pdata/batch.h"

namespace ocelot::pdata {

using opentelemetry::proto::metrics::v1::Metric;

const char* SignalName(Signal s) {
  switch (s) {
    case Signal::kTraces:
      return "traces";
    case Signal::kMetrics:
      return "metrics";
    case Signal::kLogs:
      return "logs";
  }
  return "?";
}

namespace {

size_t DataPointCount(const Metric& m) {
  switch (m.data_case()) {
    case Metric::kGauge:
      return m.gauge().data_points_size();
    case Metric::kSum:
      return m.sum().data_points_size();
    case Metric::kHistogram:
      return m.histogram().data_points_size();
    case Metric::kExponentialHistogram:
      return m.exponential_histogram().data_points_size();
    case Metric::kSummary:
      return m.summary().data_points_size();
    case Metric::DATA_NOT_SET:
      return 0;
  }
  return 0;
}

// A metric with the same identity and data type but no data points.
void CopyMetricHeader(const Metric& m, Metric* out) {
  out->set_name(m.name());
  out->set_description(m.description());
  out->set_unit(m.unit());
  *out->mutable_metadata() = m.metadata();
  switch (m.data_case()) {
    case Metric::kGauge:
      out->mutable_gauge();
      break;
    case Metric::kSum:
      out->mutable_sum()->set_aggregation_temporality(m.sum().aggregation_temporality());
      out->mutable_sum()->set_is_monotonic(m.sum().is_monotonic());
      break;
    case Metric::kHistogram:
      out->mutable_histogram()->set_aggregation_temporality(
          m.histogram().aggregation_temporality());
      break;
    case Metric::kExponentialHistogram:
      out->mutable_exponential_histogram()->set_aggregation_temporality(
          m.exponential_histogram().aggregation_temporality());
      break;
    case Metric::kSummary:
      out->mutable_summary();
      break;
    case Metric::DATA_NOT_SET:
      break;
  }
}

void CopyDataPoint(const Metric& m, int i, Metric* out) {
  switch (m.data_case()) {
    case Metric::kGauge:
      *out->mutable_gauge()->add_data_points() = m.gauge().data_points(i);
      break;
    case Metric::kSum:
      *out->mutable_sum()->add_data_points() = m.sum().data_points(i);
      break;
    case Metric::kHistogram:
      *out->mutable_histogram()->add_data_points() = m.histogram().data_points(i);
      break;
    case Metric::kExponentialHistogram:
      *out->mutable_exponential_histogram()->add_data_points() =
          m.exponential_histogram().data_points(i);
      break;
    case Metric::kSummary:
      *out->mutable_summary()->add_data_points() = m.summary().data_points(i);
      break;
    case Metric::DATA_NOT_SET:
      break;
  }
}

// Walks resource → scope → item and sends each item to head (the first n) or tail, creating
// the resource and scope wrappers lazily on each side. `Items` yields (count, copy(i, dst)) for
// the innermost level so metrics can split inside one metric's data points.
template <typename Request, typename ResourceList, typename AddResource, typename ScopeList,
          typename AddScope, typename ItemLoop>
void SplitThreeLevels(const Request& src, size_t n, Request* head, Request* tail,
                      ResourceList resources, AddResource add_resource, ScopeList scopes,
                      AddScope add_scope, ItemLoop for_each_item) {
  size_t taken = 0;
  for (const auto& r : resources(src)) {
    using R = std::remove_cv_t<std::remove_reference_t<decltype(r)>>;
    R* rh = nullptr;
    R* rt = nullptr;
    for (const auto& s : scopes(r)) {
      using S = std::remove_cv_t<std::remove_reference_t<decltype(s)>>;
      S* sh = nullptr;
      S* st = nullptr;
      auto scope_for = [&](bool to_head) -> S* {
        R*& rp = to_head ? rh : rt;
        S*& sp = to_head ? sh : st;
        if (rp == nullptr) rp = add_resource(to_head ? head : tail, r);
        if (sp == nullptr) sp = add_scope(rp, s);
        return sp;
      };
      for_each_item(s, taken, n, scope_for);
    }
  }
}

}  // namespace

size_t CountItems(const TracesRequest& r) {
  size_t n = 0;
  for (const auto& rs : r.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) n += ss.spans_size();
  }
  return n;
}

size_t CountItems(const LogsRequest& r) {
  size_t n = 0;
  for (const auto& rl : r.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) n += sl.log_records_size();
  }
  return n;
}

size_t CountItems(const MetricsRequest& r) {
  size_t n = 0;
  for (const auto& rm : r.resource_metrics()) {
    for (const auto& sm : rm.scope_metrics()) {
      for (const auto& m : sm.metrics()) n += DataPointCount(m);
    }
  }
  return n;
}

void SplitItems(const TracesRequest& src, size_t n, TracesRequest* head, TracesRequest* tail) {
  SplitThreeLevels(
      src, n, head, tail, [](const TracesRequest& q) -> const auto& { return q.resource_spans(); },
      [](TracesRequest* q, const auto& r) {
        auto* out = q->add_resource_spans();
        *out->mutable_resource() = r.resource();
        out->set_schema_url(r.schema_url());
        return out;
      },
      [](const auto& r) -> const auto& { return r.scope_spans(); },
      [](auto* r, const auto& s) {
        auto* out = r->add_scope_spans();
        *out->mutable_scope() = s.scope();
        out->set_schema_url(s.schema_url());
        return out;
      },
      [](const auto& s, size_t& taken, size_t limit, auto scope_for) {
        for (const auto& span : s.spans()) {
          bool to_head = taken < limit;
          *scope_for(to_head)->add_spans() = span;
          if (to_head) ++taken;
        }
      });
}

void SplitItems(const LogsRequest& src, size_t n, LogsRequest* head, LogsRequest* tail) {
  SplitThreeLevels(
      src, n, head, tail, [](const LogsRequest& q) -> const auto& { return q.resource_logs(); },
      [](LogsRequest* q, const auto& r) {
        auto* out = q->add_resource_logs();
        *out->mutable_resource() = r.resource();
        out->set_schema_url(r.schema_url());
        return out;
      },
      [](const auto& r) -> const auto& { return r.scope_logs(); },
      [](auto* r, const auto& s) {
        auto* out = r->add_scope_logs();
        *out->mutable_scope() = s.scope();
        out->set_schema_url(s.schema_url());
        return out;
      },
      [](const auto& s, size_t& taken, size_t limit, auto scope_for) {
        for (const auto& record : s.log_records()) {
          bool to_head = taken < limit;
          *scope_for(to_head)->add_log_records() = record;
          if (to_head) ++taken;
        }
      });
}

void SplitItems(const MetricsRequest& src, size_t n, MetricsRequest* head, MetricsRequest* tail) {
  SplitThreeLevels(
      src, n, head, tail,
      [](const MetricsRequest& q) -> const auto& { return q.resource_metrics(); },
      [](MetricsRequest* q, const auto& r) {
        auto* out = q->add_resource_metrics();
        *out->mutable_resource() = r.resource();
        out->set_schema_url(r.schema_url());
        return out;
      },
      [](const auto& r) -> const auto& { return r.scope_metrics(); },
      [](auto* r, const auto& s) {
        auto* out = r->add_scope_metrics();
        *out->mutable_scope() = s.scope();
        out->set_schema_url(s.schema_url());
        return out;
      },
      [](const auto& s, size_t& taken, size_t limit, auto scope_for) {
        for (const Metric& m : s.metrics()) {
          Metric* mh = nullptr;
          Metric* mt = nullptr;
          size_t points = DataPointCount(m);
          if (points == 0) {  // a metric without points stays with whichever side is open
            CopyMetricHeader(m, scope_for(taken < limit)->add_metrics());
            continue;
          }
          for (size_t i = 0; i < points; ++i) {
            bool to_head = taken < limit;
            Metric*& mp = to_head ? mh : mt;
            if (mp == nullptr) {
              mp = scope_for(to_head)->add_metrics();
              CopyMetricHeader(m, mp);
            }
            CopyDataPoint(m, static_cast<int>(i), mp);
            if (to_head) ++taken;
          }
        }
      });
}

}  // namespace ocelot::pdata
