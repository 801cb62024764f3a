// Batch → RowBinary rows for the 0.96 tables. One pass over the chunks per signal; values that
// repeat for every row of a resource or scope (attribute maps, schema URLs, scope fields) are
// rendered once into a prefix and copied per row. Runs on the caller's thread; no shared state.
#include "exporter/clickhouse/rows/rows.h"

#include <cstdint>
#include <limits>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "exporter/clickhouse/rows/attribute_string.h"
#include "exporter/clickhouse/rows/row_binary.h"

namespace ocelot::exporter::clickhouse {
namespace {

namespace rb = rowbinary;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::metrics::v1::Exemplar;
using opentelemetry::proto::metrics::v1::Metric;
using opentelemetry::proto::metrics::v1::NumberDataPoint;
using opentelemetry::proto::trace::v1::Span;
using opentelemetry::proto::trace::v1::Status;
using Attributes = google::protobuf::RepeatedPtrField<KeyValue>;

// Insert column lists (fact sheet §3): table order, Nested columns expanded.
constexpr const char* kTracesColumns =
    "Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, "
    "ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, "
    "StatusMessage, Events.Timestamp, Events.Name, Events.Attributes, Links.TraceId, "
    "Links.SpanId, Links.TraceState, Links.Attributes";
constexpr const char* kLogsColumns =
    "Timestamp, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, Body, "
    "ResourceSchemaUrl, ResourceAttributes, ScopeSchemaUrl, ScopeName, ScopeVersion, "
    "ScopeAttributes, LogAttributes";
#define OCELOT_CH_METRIC_COMMON                                                        \
  "ResourceAttributes, ResourceSchemaUrl, ScopeName, ScopeVersion, ScopeAttributes, "  \
  "ScopeDroppedAttrCount, ScopeSchemaUrl, MetricName, MetricDescription, MetricUnit, " \
  "Attributes, StartTimeUnix, TimeUnix, "
#define OCELOT_CH_EXEMPLARS                                                               \
  "Exemplars.FilteredAttributes, Exemplars.TimeUnix, Exemplars.Value, Exemplars.SpanId, " \
  "Exemplars.TraceId"
constexpr const char* kGaugeColumns = OCELOT_CH_METRIC_COMMON "Value, Flags, " OCELOT_CH_EXEMPLARS;
constexpr const char* kSumColumns =
    OCELOT_CH_METRIC_COMMON "Value, Flags, " OCELOT_CH_EXEMPLARS ", AggTemp, IsMonotonic";
constexpr const char* kHistogramColumns = OCELOT_CH_METRIC_COMMON
    "Count, Sum, BucketCounts, ExplicitBounds, " OCELOT_CH_EXEMPLARS ", Flags, Min, Max";
constexpr const char* kExpHistogramColumns = OCELOT_CH_METRIC_COMMON
    "Count, Sum, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, NegativeOffset, "
    "NegativeBucketCounts, " OCELOT_CH_EXEMPLARS ", Flags, Min, Max";
constexpr const char* kSummaryColumns =
    OCELOT_CH_METRIC_COMMON "Count, Sum, ValueAtQuantiles.Quantile, ValueAtQuantiles.Value, Flags";
#undef OCELOT_CH_METRIC_COMMON
#undef OCELOT_CH_EXEMPLARS

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHex(std::string_view id, std::string* out) {
  const size_t old_size = out->size();
  out->resize(old_size + id.size() * 2);
  char* dst = out->data() + old_size;
  for (unsigned char c : id) {
    *dst++ = kHexDigits[c >> 4];
    *dst++ = kHexDigits[c & 0xF];
  }
}

// Span, parent, link and log ids: traceutil.*IDToHexOrEmptyString, "" for an all-zero (or
// absent) id.
void AppendIdOrEmpty(std::string_view id, std::string* out) {
  bool all_zero = true;
  for (char c : id) all_zero &= c == 0;
  if (all_zero) {
    out->push_back(0);
    return;
  }
  rb::AppendVarUInt(id.size() * 2, out);
  AppendHex(id, out);
}

// Exemplar ids: hex.EncodeToString of the fixed-size Go array, so an absent id is all zeros.
void AppendExemplarId(std::string_view id, size_t go_size, std::string* out) {
  if (id.empty()) {
    rb::AppendVarUInt(go_size * 2, out);
    out->append(go_size * 2, '0');
    return;
  }
  rb::AppendVarUInt(id.size() * 2, out);
  AppendHex(id, out);
}

// A value as a RowBinary String: the common string case directly, the rest rendered in place
// behind a one-byte length slot that is widened only for values of 128 bytes or more.
void AppendValueColumn(const AnyValue& v, std::string* out) {
  if (v.value_case() == AnyValue::kStringValue) {
    rb::AppendString(v.string_value(), out);
    return;
  }
  const size_t slot = out->size();
  out->push_back(0);
  AppendValueString(v, out);
  const size_t len = out->size() - slot - 1;
  if (len < 0x80) {
    (*out)[slot] = static_cast<char>(len);
    return;
  }
  std::string varint;
  rb::AppendVarUInt(len, &varint);
  (*out)[slot] = varint[0];
  out->insert(slot + 1, varint, 1, std::string::npos);
}

// Map(LowCardinality(String), String) from OTLP attributes. 0.96 builds a Go map, so a key
// given twice keeps its last value; entries are written in OTLP order (Go's map order is
// random, so any order is faithful).
void AppendAttributeMap(const Attributes& attrs, std::string* out) {
  const int n = attrs.size();
  constexpr int kQuadraticLimit = 16;
  if (n <= kQuadraticLimit) {
    uint32_t shadowed = 0;  // bit i: a later entry has the same key
    int unique = n;
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        if (attrs[i].key() == attrs[j].key()) {
          shadowed |= 1u << i;
          --unique;
          break;
        }
      }
    }
    rb::AppendCount(unique, out);
    for (int i = 0; i < n; ++i) {
      if (shadowed & (1u << i)) continue;
      rb::AppendString(attrs[i].key(), out);
      AppendValueColumn(attrs[i].value(), out);
    }
    return;
  }
  std::vector<bool> keep(n);
  std::unordered_set<std::string_view> seen;
  seen.reserve(n);
  int unique = 0;
  for (int i = n - 1; i >= 0; --i) {
    keep[i] = seen.insert(attrs[i].key()).second;
    unique += keep[i];
  }
  rb::AppendCount(unique, out);
  for (int i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    rb::AppendString(attrs[i].key(), out);
    AppendValueColumn(attrs[i].value(), out);
  }
}

// resource.Attributes().Get("service.name").Str(): the first such key; "" unless a string.
// Sets *found so the logs encoder can tell "absent" from "present but not a string".
std::string_view ServiceName(const Attributes& attrs, bool* found) {
  for (const KeyValue& kv : attrs) {
    if (kv.key() == "service.name") {
      *found = true;
      if (kv.value().value_case() == AnyValue::kStringValue) return kv.value().string_value();
      return {};
    }
  }
  *found = false;
  return {};
}

std::string_view SpanKindText(int kind) {
  switch (kind) {
    case Span::SPAN_KIND_UNSPECIFIED:
      return "SPAN_KIND_UNSPECIFIED";
    case Span::SPAN_KIND_INTERNAL:
      return "SPAN_KIND_INTERNAL";
    case Span::SPAN_KIND_SERVER:
      return "SPAN_KIND_SERVER";
    case Span::SPAN_KIND_CLIENT:
      return "SPAN_KIND_CLIENT";
    case Span::SPAN_KIND_PRODUCER:
      return "SPAN_KIND_PRODUCER";
    case Span::SPAN_KIND_CONSUMER:
      return "SPAN_KIND_CONSUMER";
  }
  return {};  // traceutil.SpanKindStr's default for values outside the enum
}

std::string_view StatusCodeText(int code) {
  switch (code) {
    case Status::STATUS_CODE_UNSET:
      return "STATUS_CODE_UNSET";
    case Status::STATUS_CODE_OK:
      return "STATUS_CODE_OK";
    case Status::STATUS_CODE_ERROR:
      return "STATUS_CODE_ERROR";
  }
  return {};
}

// end.AsTime().Sub(start.AsTime()).Nanoseconds(): both converted with int64(ts), and Go's
// Time.Sub saturates instead of wrapping.
int64_t GoDurationNanos(uint64_t start, uint64_t end) {
  const auto s = static_cast<int64_t>(start);
  const auto e = static_cast<int64_t>(end);
  int64_t d;
  if (__builtin_sub_overflow(e, s, &d)) {
    return e < s ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  }
  return d;
}

void AppendSpan(const Span& span, std::string_view service_name, std::string_view resource_attrs,
                std::string_view scope_fields, std::string* out) {
  rb::AppendDateTime64Nanos(span.start_time_unix_nano(), out);
  AppendIdOrEmpty(span.trace_id(), out);
  AppendIdOrEmpty(span.span_id(), out);
  AppendIdOrEmpty(span.parent_span_id(), out);
  rb::AppendString(span.trace_state(), out);
  rb::AppendString(span.name(), out);
  rb::AppendString(SpanKindText(span.kind()), out);
  rb::AppendString(service_name, out);
  out->append(resource_attrs);
  out->append(scope_fields);
  AppendAttributeMap(span.attributes(), out);
  rb::AppendFixed(GoDurationNanos(span.start_time_unix_nano(), span.end_time_unix_nano()), out);
  rb::AppendString(StatusCodeText(span.status().code()), out);
  rb::AppendString(span.status().message(), out);

  const auto& events = span.events();
  rb::AppendCount(events.size(), out);
  for (const auto& e : events) rb::AppendDateTime64Nanos(e.time_unix_nano(), out);
  rb::AppendCount(events.size(), out);
  for (const auto& e : events) rb::AppendString(e.name(), out);
  rb::AppendCount(events.size(), out);
  for (const auto& e : events) AppendAttributeMap(e.attributes(), out);

  const auto& links = span.links();
  rb::AppendCount(links.size(), out);
  for (const auto& l : links) AppendIdOrEmpty(l.trace_id(), out);
  rb::AppendCount(links.size(), out);
  for (const auto& l : links) AppendIdOrEmpty(l.span_id(), out);
  rb::AppendCount(links.size(), out);
  for (const auto& l : links) rb::AppendString(l.trace_state(), out);
  rb::AppendCount(links.size(), out);
  for (const auto& l : links) AppendAttributeMap(l.attributes(), out);
}

// ---------------------------------------------------------------------------------------------
// Metrics.

double NumberValue(const NumberDataPoint& dp) {
  switch (dp.value_case()) {
    case NumberDataPoint::kAsDouble:
      return dp.as_double();
    case NumberDataPoint::kAsInt:
      return static_cast<double>(dp.as_int());
    case NumberDataPoint::VALUE_NOT_SET:
      break;
  }
  return 0;  // getValue's default (0.96 logs a warning; we do not, per point, on the hot path)
}

double ExemplarValue(const Exemplar& e) {
  switch (e.value_case()) {
    case Exemplar::kAsDouble:
      return e.as_double();
    case Exemplar::kAsInt:
      return static_cast<double>(e.as_int());
    case Exemplar::VALUE_NOT_SET:
      break;
  }
  return 0;
}

// The five Exemplars.* array columns, in insert-list order.
void AppendExemplars(const google::protobuf::RepeatedPtrField<Exemplar>& exemplars,
                     std::string* out) {
  const size_t n = exemplars.size();
  rb::AppendCount(n, out);
  for (const Exemplar& e : exemplars) AppendAttributeMap(e.filtered_attributes(), out);
  rb::AppendCount(n, out);
  for (const Exemplar& e : exemplars) rb::AppendDateTime64Nanos(e.time_unix_nano(), out);
  rb::AppendCount(n, out);
  for (const Exemplar& e : exemplars) rb::AppendFixed(ExemplarValue(e), out);
  rb::AppendCount(n, out);
  for (const Exemplar& e : exemplars) AppendExemplarId(e.span_id(), 8, out);
  rb::AppendCount(n, out);
  for (const Exemplar& e : exemplars) AppendExemplarId(e.trace_id(), 16, out);
}

template <typename Int>
void AppendUInt64Array(const google::protobuf::RepeatedField<Int>& values, std::string* out) {
  rb::AppendCount(values.size(), out);
  for (Int v : values) rb::AppendFixed(static_cast<uint64_t>(v), out);
}

void AppendFloat64Array(const google::protobuf::RepeatedField<double>& values, std::string* out) {
  rb::AppendCount(values.size(), out);
  for (double v : values) rb::AppendFixed(v, out);
}

// The columns every data point row starts with after the per-metric prefix.
template <typename Point>
void AppendPointHead(std::string_view metric_prefix, const Point& dp, std::string* out) {
  out->append(metric_prefix);
  AppendAttributeMap(dp.attributes(), out);
  rb::AppendDateTime64Nanos(dp.start_time_unix_nano(), out);
  rb::AppendDateTime64Nanos(dp.time_unix_nano(), out);
}

enum MetricTable { kGauge, kSum, kHistogram, kExpHistogram, kSummary, kMetricTableCount };

}  // namespace

InsertBlock EncodeTraces(const pdata::Traces& batch, const TableNames& names) {
  InsertBlock block;
  block.table = names.traces;
  block.columns = kTracesColumns;
  std::string& out = block.body;
  out.reserve(batch.item_count() * 320);
  std::string resource_attrs;
  std::string scope_fields;  // ScopeName, ScopeVersion
  for (const auto& entry : batch.entries()) {
    for (const auto& rs : entry.chunk->message().resource_spans()) {
      // 0.96 declares serviceName inside the resource loop: no carry-over between resources.
      bool found;
      const std::string_view service_name = ServiceName(rs.resource().attributes(), &found);
      resource_attrs.clear();
      AppendAttributeMap(rs.resource().attributes(), &resource_attrs);
      for (const auto& ss : rs.scope_spans()) {
        scope_fields.clear();
        rb::AppendString(ss.scope().name(), &scope_fields);
        rb::AppendString(ss.scope().version(), &scope_fields);
        for (const Span& span : ss.spans()) {
          AppendSpan(span, service_name, resource_attrs, scope_fields, &out);
          ++block.rows;
        }
      }
    }
  }
  return block;
}

InsertBlock EncodeLogs(const pdata::Logs& batch, const TableNames& names) {
  InsertBlock block;
  block.table = names.logs;
  block.columns = kLogsColumns;
  std::string& out = block.body;
  out.reserve(batch.item_count() * 256);
  std::string resource_attrs;
  // ResourceSchemaUrl … ScopeAttributes: six adjacent columns, the same for a whole scope.
  std::string scope_block;
  // 0.96's pushLogsData declares serviceName once per export call, so a resource without
  // service.name inherits the previous resource's value. In 0.96 the batch processor merges
  // requests into one pdata.Logs before the exporter sees them, and an ocelot batch is that
  // merge (its chunks are the merged requests), so the carry-over spans the whole batch.
  std::string_view service_name;
  for (const auto& entry : batch.entries()) {
    for (const auto& rl : entry.chunk->message().resource_logs()) {
      bool found;
      const std::string_view name = ServiceName(rl.resource().attributes(), &found);
      if (found) service_name = name;
      resource_attrs.clear();
      AppendAttributeMap(rl.resource().attributes(), &resource_attrs);
      for (const auto& sl : rl.scope_logs()) {
        scope_block.clear();
        rb::AppendString(rl.schema_url(), &scope_block);
        scope_block.append(resource_attrs);
        rb::AppendString(sl.schema_url(), &scope_block);
        rb::AppendString(sl.scope().name(), &scope_block);
        rb::AppendString(sl.scope().version(), &scope_block);
        AppendAttributeMap(sl.scope().attributes(), &scope_block);
        for (const auto& r : sl.log_records()) {
          // 0.96 uses time_unix_nano only (observed time is ignored, 0 stays 1970).
          rb::AppendDateTime64Nanos(r.time_unix_nano(), &out);
          AppendIdOrEmpty(r.trace_id(), &out);
          AppendIdOrEmpty(r.span_id(), &out);
          rb::AppendFixed(static_cast<uint32_t>(r.flags()), &out);
          rb::AppendString(r.severity_text(), &out);
          rb::AppendFixed(static_cast<int32_t>(r.severity_number()), &out);
          rb::AppendString(service_name, &out);
          AppendValueColumn(r.body(), &out);
          out.append(scope_block);
          AppendAttributeMap(r.attributes(), &out);
          ++block.rows;
        }
      }
    }
  }
  return block;
}

absl::StatusOr<std::vector<InsertBlock>> EncodeMetrics(const pdata::Metrics& batch,
                                                       const TableNames& names) {
  InsertBlock blocks[kMetricTableCount];
  blocks[kGauge].table = names.metrics + "_gauge";
  blocks[kGauge].columns = kGaugeColumns;
  blocks[kSum].table = names.metrics + "_sum";
  blocks[kSum].columns = kSumColumns;
  blocks[kHistogram].table = names.metrics + "_histogram";
  blocks[kHistogram].columns = kHistogramColumns;
  blocks[kExpHistogram].table = names.metrics + "_exponential_histogram";
  blocks[kExpHistogram].columns = kExpHistogramColumns;
  blocks[kSummary].table = names.metrics + "_summary";
  blocks[kSummary].columns = kSummaryColumns;

  std::string resource_attrs;
  std::string scope_prefix;   // the first seven columns
  std::string metric_prefix;  // scope_prefix + MetricName, MetricDescription, MetricUnit
  size_t rm_index = 0;
  for (const auto& entry : batch.entries()) {
    for (const auto& rm : entry.chunk->message().resource_metrics()) {
      resource_attrs.clear();
      AppendAttributeMap(rm.resource().attributes(), &resource_attrs);
      for (const auto& sm : rm.scope_metrics()) {
        scope_prefix.clear();
        scope_prefix.append(resource_attrs);
        rb::AppendString(rm.schema_url(), &scope_prefix);
        rb::AppendString(sm.scope().name(), &scope_prefix);
        rb::AppendString(sm.scope().version(), &scope_prefix);
        AppendAttributeMap(sm.scope().attributes(), &scope_prefix);
        rb::AppendFixed(static_cast<uint32_t>(sm.scope().dropped_attributes_count()),
                        &scope_prefix);
        rb::AppendString(sm.schema_url(), &scope_prefix);
        for (const Metric& m : sm.metrics()) {
          metric_prefix.assign(scope_prefix);
          rb::AppendString(m.name(), &metric_prefix);
          rb::AppendString(m.description(), &metric_prefix);
          rb::AppendString(m.unit(), &metric_prefix);
          switch (m.data_case()) {
            case Metric::kGauge: {
              InsertBlock& b = blocks[kGauge];
              for (const auto& dp : m.gauge().data_points()) {
                AppendPointHead(metric_prefix, dp, &b.body);
                rb::AppendFixed(NumberValue(dp), &b.body);
                rb::AppendFixed(static_cast<uint32_t>(dp.flags()), &b.body);
                AppendExemplars(dp.exemplars(), &b.body);
                ++b.rows;
              }
              break;
            }
            case Metric::kSum: {
              InsertBlock& b = blocks[kSum];
              const auto& sum = m.sum();
              for (const auto& dp : sum.data_points()) {
                AppendPointHead(metric_prefix, dp, &b.body);
                rb::AppendFixed(NumberValue(dp), &b.body);
                rb::AppendFixed(static_cast<uint32_t>(dp.flags()), &b.body);
                AppendExemplars(dp.exemplars(), &b.body);
                rb::AppendFixed(static_cast<int32_t>(sum.aggregation_temporality()), &b.body);
                rb::AppendBool(sum.is_monotonic(), &b.body);
                ++b.rows;
              }
              break;
            }
            case Metric::kHistogram: {
              InsertBlock& b = blocks[kHistogram];
              for (const auto& dp : m.histogram().data_points()) {
                AppendPointHead(metric_prefix, dp, &b.body);
                rb::AppendFixed(static_cast<uint64_t>(dp.count()), &b.body);
                rb::AppendFixed(dp.sum(), &b.body);  // absent optional → 0, as dp.Sum() in Go
                AppendUInt64Array(dp.bucket_counts(), &b.body);
                AppendFloat64Array(dp.explicit_bounds(), &b.body);
                AppendExemplars(dp.exemplars(), &b.body);
                rb::AppendFixed(static_cast<uint32_t>(dp.flags()), &b.body);
                rb::AppendFixed(dp.min(), &b.body);
                rb::AppendFixed(dp.max(), &b.body);
                ++b.rows;
              }
              break;
            }
            case Metric::kExponentialHistogram: {
              InsertBlock& b = blocks[kExpHistogram];
              for (const auto& dp : m.exponential_histogram().data_points()) {
                AppendPointHead(metric_prefix, dp, &b.body);
                rb::AppendFixed(static_cast<uint64_t>(dp.count()), &b.body);
                rb::AppendFixed(dp.sum(), &b.body);
                rb::AppendFixed(static_cast<int32_t>(dp.scale()), &b.body);
                rb::AppendFixed(static_cast<uint64_t>(dp.zero_count()), &b.body);
                rb::AppendFixed(static_cast<int32_t>(dp.positive().offset()), &b.body);
                AppendUInt64Array(dp.positive().bucket_counts(), &b.body);
                rb::AppendFixed(static_cast<int32_t>(dp.negative().offset()), &b.body);
                AppendUInt64Array(dp.negative().bucket_counts(), &b.body);
                AppendExemplars(dp.exemplars(), &b.body);
                rb::AppendFixed(static_cast<uint32_t>(dp.flags()), &b.body);
                rb::AppendFixed(dp.min(), &b.body);
                rb::AppendFixed(dp.max(), &b.body);
                ++b.rows;
              }
              break;
            }
            case Metric::kSummary: {
              InsertBlock& b = blocks[kSummary];
              for (const auto& dp : m.summary().data_points()) {
                AppendPointHead(metric_prefix, dp, &b.body);
                rb::AppendFixed(static_cast<uint64_t>(dp.count()), &b.body);
                rb::AppendFixed(dp.sum(), &b.body);
                const auto& qs = dp.quantile_values();
                rb::AppendCount(qs.size(), &b.body);
                for (const auto& q : qs) rb::AppendFixed(q.quantile(), &b.body);
                rb::AppendCount(qs.size(), &b.body);
                for (const auto& q : qs) rb::AppendFixed(q.value(), &b.body);
                rb::AppendFixed(static_cast<uint32_t>(dp.flags()), &b.body);
                ++b.rows;
              }
              break;
            }
            case Metric::DATA_NOT_SET:
              // 0.96 returns this before inserting anything: the whole push fails.
              return absl::InvalidArgumentError("metrics type is unset: metric \"" + m.name() +
                                                "\" (resource_metrics[" + std::to_string(rm_index) +
                                                "]) has no gauge, sum, histogram, "
                                                "exponential_histogram or summary");
          }
        }
      }
      ++rm_index;
    }
  }
  std::vector<InsertBlock> result;
  for (InsertBlock& b : blocks) {
    if (b.rows > 0) result.push_back(std::move(b));
  }
  return result;
}

}  // namespace ocelot::exporter::clickhouse
