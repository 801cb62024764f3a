// OTLP fixtures for the rows tests: every field set, and what 0.96 stores for them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "pdata/batch.h"
#include "row_binary_reader.h"

namespace ocelot::exporter::clickhouse::testing {

using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::metrics::v1::Exemplar;
using opentelemetry::proto::metrics::v1::Metric;
using TracesChunk = pdata::Chunk<pdata::TracesRequest>;
using LogsChunk = pdata::Chunk<pdata::LogsRequest>;
using MetricsChunk = pdata::Chunk<pdata::MetricsRequest>;

template <typename Msg>
inline void AddStr(Msg* m, const std::string& k, const std::string& v) {
  KeyValue* kv = m->add_attributes();
  kv->set_key(k);
  kv->mutable_value()->set_string_value(v);
}
template <typename Msg>
inline void AddInt(Msg* m, const std::string& k, int64_t v) {
  KeyValue* kv = m->add_attributes();
  kv->set_key(k);
  kv->mutable_value()->set_int_value(v);
}
template <typename Msg>
inline void AddDouble(Msg* m, const std::string& k, double v) {
  KeyValue* kv = m->add_attributes();
  kv->set_key(k);
  kv->mutable_value()->set_double_value(v);
}

// Attributes of every value type, and what 0.96 stores for them.
template <typename Msg>
inline void AddEveryType(Msg* m) {
  AddStr(m, "s", "text");
  KeyValue* b = m->add_attributes();
  b->set_key("b");
  b->mutable_value()->set_bool_value(true);
  AddInt(m, "i", -7);
  AddDouble(m, "d", 0.1);
  KeyValue* by = m->add_attributes();
  by->set_key("by");
  by->mutable_value()->set_bytes_value("foo");
  KeyValue* arr = m->add_attributes();
  arr->set_key("arr");
  arr->mutable_value()->mutable_array_value()->add_values()->set_int_value(1);
  arr->mutable_value()->mutable_array_value()->add_values()->set_string_value("<x>");
  KeyValue* kv = m->add_attributes();
  kv->set_key("kv");
  KeyValue* inner = kv->mutable_value()->mutable_kvlist_value()->add_values();
  inner->set_key("z");
  inner->mutable_value()->set_double_value(1e21);
  inner = kv->mutable_value()->mutable_kvlist_value()->add_values();
  inner->set_key("a");
  inner->mutable_value()->set_bool_value(false);
  m->add_attributes()->set_key("empty");
}
inline const StringMap kEveryTypeRendered = {
    {"s", "text"},
    {"b", "true"},
    {"i", "-7"},
    {"d", "0.1"},
    {"by", "Zm9v"},
    {"arr", R"([1,"\u003cx\u003e"])"},
    {"kv", R"({"a":false,"z":1e+21})"},
    {"empty", ""},
};

inline std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}
inline const std::string kTraceId = Bytes({0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe,
                                           0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10});
inline const std::string kTraceHex = "0123456789abcdeffedcba9876543210";
inline const std::string kSpanId = Bytes({0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18});
inline const std::string kSpanHex = "a1b2c3d4e5f60718";
inline const std::string kParentId = Bytes({0, 0, 0, 0, 0, 0, 0, 1});
inline const std::string kParentHex = "0000000000000001";
inline constexpr uint64_t kT0 = 1732579200123456789ULL;  // 2024-11-26, every digit significant

// One span with every field set: all attribute types, two events, two links (one with
// all-zero ids), error status.
inline std::shared_ptr<TracesChunk> FullSpanChunk() {
  using opentelemetry::proto::trace::v1::Span;
  using opentelemetry::proto::trace::v1::Status;
  auto chunk = std::make_shared<TracesChunk>();
  auto* rs = chunk->message().add_resource_spans();
  rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");  // not stored for traces
  AddStr(rs->mutable_resource(), "service.name", "checkout");
  AddEveryType(rs->mutable_resource());
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("io.ocelot.test");
  ss->mutable_scope()->set_version("1.2.3");
  AddStr(ss->mutable_scope(), "scope.attr", "not stored");
  Span* s = ss->add_spans();
  s->set_trace_id(kTraceId);
  s->set_span_id(kSpanId);
  s->set_parent_span_id(kParentId);
  s->set_trace_state("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  s->set_name("GET /cart");
  s->set_kind(Span::SPAN_KIND_CLIENT);
  s->set_start_time_unix_nano(kT0);
  s->set_end_time_unix_nano(kT0 + 1234567891);
  s->set_flags(0x301);
  AddEveryType(s);
  s->set_dropped_attributes_count(3);
  auto* e1 = s->add_events();
  e1->set_time_unix_nano(kT0 + 5);
  e1->set_name("exception");
  AddStr(e1, "exception.message", "boom");
  auto* e2 = s->add_events();
  e2->set_time_unix_nano(kT0 + 6);
  e2->set_name("retry");
  auto* l1 = s->add_links();
  l1->set_trace_id(kTraceId);
  l1->set_span_id(kSpanId);
  l1->set_trace_state("a=b");
  AddInt(l1, "link.n", 9);
  auto* l2 = s->add_links();  // zero ids
  l2->set_trace_id(std::string(16, '\0'));
  l2->set_span_id(std::string(8, '\0'));
  s->mutable_status()->set_code(Status::STATUS_CODE_ERROR);
  s->mutable_status()->set_message("upstream failed");

  return chunk;
}

// One log record with every field set.
inline std::shared_ptr<LogsChunk> FullLogChunk() {
  using opentelemetry::proto::logs::v1::LogRecord;
  auto chunk = std::make_shared<LogsChunk>();
  auto* rl = chunk->message().add_resource_logs();
  rl->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
  AddStr(rl->mutable_resource(), "service.name", "billing");
  AddEveryType(rl->mutable_resource());
  auto* sl = rl->add_scope_logs();
  sl->set_schema_url("https://opentelemetry.io/schemas/1.20.0");
  sl->mutable_scope()->set_name("logger");
  sl->mutable_scope()->set_version("0.9");
  AddEveryType(sl->mutable_scope());
  LogRecord* r = sl->add_log_records();
  r->set_time_unix_nano(kT0);
  r->set_observed_time_unix_nano(kT0 + 99);
  r->set_trace_id(kTraceId);
  r->set_span_id(kSpanId);
  r->set_flags(0x101);
  r->set_severity_text("WARN");
  r->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_WARN);
  r->mutable_body()->set_string_value("disk \"almost\" full <90%>");
  AddEveryType(r);

  return chunk;
}

// One resource, one scope, one metric of each kind, every field set.
inline std::shared_ptr<MetricsChunk> EveryMetricKind() {
  auto chunk = std::make_shared<MetricsChunk>();
  auto* rm = chunk->message().add_resource_metrics();
  rm->set_schema_url("res-schema");
  AddStr(rm->mutable_resource(), "service.name", "metrics-svc");
  auto* sm = rm->add_scope_metrics();
  sm->set_schema_url("scope-schema");
  sm->mutable_scope()->set_name("meter");
  sm->mutable_scope()->set_version("2.0");
  AddStr(sm->mutable_scope(), "scope.k", "v");
  sm->mutable_scope()->set_dropped_attributes_count(4);

  auto fill_exemplars = [](auto* dp) {
    Exemplar* e = dp->add_exemplars();
    KeyValue* f = e->add_filtered_attributes();
    f->set_key("filtered");
    f->mutable_value()->set_string_value("yes");
    e->set_time_unix_nano(kT0 + 1);
    e->set_as_double(0.25);
    e->set_span_id(kSpanId);
    e->set_trace_id(kTraceId);
    Exemplar* e2 = dp->add_exemplars();  // int value, no ids
    e2->set_as_int(-3);
    Exemplar* e3 = dp->add_exemplars();  // unset value, all-zero ids
    e3->set_span_id(std::string(8, '\0'));
    e3->set_trace_id(std::string(16, '\0'));
  };
  auto common = [](auto* dp, int i) {
    AddInt(dp, "point", i);
    dp->set_start_time_unix_nano(kT0 - 60'000'000'000);
    dp->set_time_unix_nano(kT0 + i);
    dp->set_flags(1);
  };

  Metric* gauge = sm->add_metrics();
  gauge->set_name("g");
  gauge->set_description("a gauge");
  gauge->set_unit("1");
  auto* gp = gauge->mutable_gauge()->add_data_points();
  common(gp, 0);
  gp->set_as_double(1.5);
  fill_exemplars(gp);
  gauge->mutable_gauge()->add_data_points()->set_as_int(42);
  gauge->mutable_gauge()->add_data_points();  // no value

  Metric* sum = sm->add_metrics();
  sum->set_name("s");
  sum->set_unit("By");
  sum->mutable_sum()->set_is_monotonic(true);
  sum->mutable_sum()->set_aggregation_temporality(
      opentelemetry::proto::metrics::v1::AGGREGATION_TEMPORALITY_DELTA);
  auto* sp = sum->mutable_sum()->add_data_points();
  common(sp, 1);
  sp->set_as_int(std::numeric_limits<int64_t>::max());
  fill_exemplars(sp);

  Metric* hist = sm->add_metrics();
  hist->set_name("h");
  auto* hp = hist->mutable_histogram()->add_data_points();
  common(hp, 2);
  hp->set_count(10);
  hp->set_sum(12.5);
  for (uint64_t c : {1, 2, 7}) hp->add_bucket_counts(c);
  for (double b : {0.5, 1.0}) hp->add_explicit_bounds(b);
  hp->set_min(0.1);
  hp->set_max(3.0);
  fill_exemplars(hp);
  hist->mutable_histogram()->add_data_points();  // no sum/min/max

  Metric* exp = sm->add_metrics();
  exp->set_name("e");
  auto* ep = exp->mutable_exponential_histogram()->add_data_points();
  common(ep, 3);
  ep->set_count(9);
  ep->set_sum(-4.5);
  ep->set_scale(-2);
  ep->set_zero_count(3);
  ep->set_zero_threshold(0.001);  // not stored
  ep->mutable_positive()->set_offset(-5);
  for (uint64_t c : {1, 0, 2}) ep->mutable_positive()->add_bucket_counts(c);
  ep->mutable_negative()->set_offset(7);
  ep->mutable_negative()->add_bucket_counts(uint64_t{1} << 40);
  ep->set_min(-9.0);
  ep->set_max(8.0);
  fill_exemplars(ep);

  Metric* summary = sm->add_metrics();
  summary->set_name("q");
  auto* qp = summary->mutable_summary()->add_data_points();
  common(qp, 4);
  qp->set_count(100);
  qp->set_sum(250.5);
  for (auto [q, v] : {std::pair{0.0, 1.0}, {0.5, 2.0}, {1.0, 9.0}}) {
    auto* qv = qp->add_quantile_values();
    qv->set_quantile(q);
    qv->set_value(v);
  }
  return chunk;
}

}  // namespace ocelot::exporter::clickhouse::testing
