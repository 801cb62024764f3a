// Typed OTLP/JSON encoders for the two hot request types (traces and logs): the same bytes as
// the reflection-driven encoder in otlp_json.cc, written through generated accessors. The
// reflection path spends about half its time looking fields up (callgrind, bench/codec_bench);
// the file exporter encodes every span it writes, so these carry its throughput.
//
// The rules are the reflection encoder's (see otlp_json.h): fields in declaration order;
// non-oneof sub-messages and ids always written; scalars only when non-default; oneof members
// whenever set. tests/pdata/otlp_json_test.cc checks both encoders agree on every field.
#include "pdata/otlp_json_typed.h"

#include "pdata/json_primitives.h"

namespace ocelot::pdata {
namespace {

using json::AppendBase64;
using json::AppendFloat;
using json::AppendHexId;
using json::AppendInt;
using json::AppendJsonString;
using json::AppendQuotedInt;

namespace common = opentelemetry::proto::common::v1;
namespace resource = opentelemetry::proto::resource::v1;
namespace trace = opentelemetry::proto::trace::v1;
namespace logs = opentelemetry::proto::logs::v1;

// Writes one JSON object's members, a comma before all but the first.
class Object {
 public:
  explicit Object(std::string* out) : out_(out) { out_->push_back('{'); }
  ~Object() { out_->push_back('}'); }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  // `key` is the quoted name with its colon: "\"traceId\":".
  std::string* Key(std::string_view key) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->append(key);
    return out_;
  }
  void String(std::string_view key, const std::string& v) {
    if (!v.empty()) AppendJsonString(v, Key(key));
  }
  void Uint32(std::string_view key, uint32_t v) {
    if (v != 0) AppendInt(v, Key(key));
  }
  void Int32(std::string_view key, int32_t v) {
    if (v != 0) AppendInt(v, Key(key));
  }
  void Fixed64(std::string_view key, uint64_t v) {
    if (v != 0) AppendQuotedInt(v, Key(key));
  }
  void Id(std::string_view key, const std::string& v) { AppendHexId(v, Key(key)); }
  template <typename List, typename WriteOne>
  void Array(std::string_view key, const List& list, WriteOne write) {
    if (list.empty()) return;
    std::string* out = Key(key);
    out->push_back('[');
    bool first = true;
    for (const auto& item : list) {
      if (!first) out->push_back(',');
      first = false;
      write(item, out);
    }
    out->push_back(']');
  }

 private:
  std::string* out_;
  bool first_ = true;
};

void WriteKeyValue(const common::KeyValue& kv, std::string* out);

void WriteAnyValue(const common::AnyValue& v, std::string* out) {
  Object o(out);
  switch (v.value_case()) {
    case common::AnyValue::kStringValue:
      AppendJsonString(v.string_value(), o.Key("\"stringValue\":"));
      break;
    case common::AnyValue::kBoolValue:
      o.Key("\"boolValue\":")->append(v.bool_value() ? "true" : "false");
      break;
    case common::AnyValue::kIntValue:
      AppendQuotedInt(int64_t{v.int_value()}, o.Key("\"intValue\":"));
      break;
    case common::AnyValue::kDoubleValue:
      AppendFloat(v.double_value(), o.Key("\"doubleValue\":"));
      break;
    case common::AnyValue::kArrayValue: {
      Object array(o.Key("\"arrayValue\":"));
      array.Array("\"values\":", v.array_value().values(), WriteAnyValue);
      break;
    }
    case common::AnyValue::kKvlistValue: {
      Object kvlist(o.Key("\"kvlistValue\":"));
      kvlist.Array("\"values\":", v.kvlist_value().values(), WriteKeyValue);
      break;
    }
    case common::AnyValue::kBytesValue:
      AppendBase64(v.bytes_value(), o.Key("\"bytesValue\":"));
      break;
    case common::AnyValue::VALUE_NOT_SET:
      break;
  }
}

void WriteKeyValue(const common::KeyValue& kv, std::string* out) {
  Object o(out);
  o.String("\"key\":", kv.key());
  WriteAnyValue(kv.value(), o.Key("\"value\":"));
}

template <typename Attributes>
void WriteAttributes(Object& o, const Attributes& attributes) {
  o.Array("\"attributes\":", attributes, WriteKeyValue);
}

void WriteResource(const resource::Resource& r, std::string* out) {
  Object o(out);
  WriteAttributes(o, r.attributes());
  o.Uint32("\"droppedAttributesCount\":", r.dropped_attributes_count());
}

void WriteScope(const common::InstrumentationScope& s, std::string* out) {
  Object o(out);
  o.String("\"name\":", s.name());
  o.String("\"version\":", s.version());
  WriteAttributes(o, s.attributes());
  o.Uint32("\"droppedAttributesCount\":", s.dropped_attributes_count());
}

void WriteSpan(const trace::Span& span, std::string* out) {
  Object o(out);
  o.Id("\"traceId\":", span.trace_id());
  o.Id("\"spanId\":", span.span_id());
  o.String("\"traceState\":", span.trace_state());
  o.Id("\"parentSpanId\":", span.parent_span_id());
  o.Uint32("\"flags\":", span.flags());
  o.String("\"name\":", span.name());
  o.Int32("\"kind\":", span.kind());
  o.Fixed64("\"startTimeUnixNano\":", span.start_time_unix_nano());
  o.Fixed64("\"endTimeUnixNano\":", span.end_time_unix_nano());
  WriteAttributes(o, span.attributes());
  o.Uint32("\"droppedAttributesCount\":", span.dropped_attributes_count());
  o.Array("\"events\":", span.events(), [](const trace::Span::Event& e, std::string* out) {
    Object event(out);
    event.Fixed64("\"timeUnixNano\":", e.time_unix_nano());
    event.String("\"name\":", e.name());
    WriteAttributes(event, e.attributes());
    event.Uint32("\"droppedAttributesCount\":", e.dropped_attributes_count());
  });
  o.Uint32("\"droppedEventsCount\":", span.dropped_events_count());
  o.Array("\"links\":", span.links(), [](const trace::Span::Link& l, std::string* out) {
    Object link(out);
    link.Id("\"traceId\":", l.trace_id());
    link.Id("\"spanId\":", l.span_id());
    link.String("\"traceState\":", l.trace_state());
    WriteAttributes(link, l.attributes());
    link.Uint32("\"droppedAttributesCount\":", l.dropped_attributes_count());
    link.Uint32("\"flags\":", l.flags());
  });
  o.Uint32("\"droppedLinksCount\":", span.dropped_links_count());
  Object status(o.Key("\"status\":"));
  status.String("\"message\":", span.status().message());
  status.Int32("\"code\":", span.status().code());
}

void WriteLogRecord(const logs::LogRecord& r, std::string* out) {
  Object o(out);
  o.Fixed64("\"timeUnixNano\":", r.time_unix_nano());
  o.Fixed64("\"observedTimeUnixNano\":", r.observed_time_unix_nano());
  o.Int32("\"severityNumber\":", r.severity_number());
  o.String("\"severityText\":", r.severity_text());
  WriteAnyValue(r.body(), o.Key("\"body\":"));
  WriteAttributes(o, r.attributes());
  o.Uint32("\"droppedAttributesCount\":", r.dropped_attributes_count());
  o.Uint32("\"flags\":", r.flags());
  o.Id("\"traceId\":", r.trace_id());
  o.Id("\"spanId\":", r.span_id());
}

}  // namespace

void AppendTracesJson(const TracesRequest& request, std::string* out) {
  Object root(out);
  root.Array("\"resourceSpans\":", request.resource_spans(),
             [](const trace::ResourceSpans& rs, std::string* out) {
               Object o(out);
               WriteResource(rs.resource(), o.Key("\"resource\":"));
               o.Array("\"scopeSpans\":", rs.scope_spans(),
                       [](const trace::ScopeSpans& ss, std::string* out) {
                         Object scope(out);
                         WriteScope(ss.scope(), scope.Key("\"scope\":"));
                         scope.Array("\"spans\":", ss.spans(), WriteSpan);
                         scope.String("\"schemaUrl\":", ss.schema_url());
                       });
               o.String("\"schemaUrl\":", rs.schema_url());
             });
}

void AppendLogsJson(const LogsRequest& request, std::string* out) {
  Object root(out);
  root.Array("\"resourceLogs\":", request.resource_logs(),
             [](const logs::ResourceLogs& rl, std::string* out) {
               Object o(out);
               WriteResource(rl.resource(), o.Key("\"resource\":"));
               o.Array("\"scopeLogs\":", rl.scope_logs(),
                       [](const logs::ScopeLogs& sl, std::string* out) {
                         Object scope(out);
                         WriteScope(sl.scope(), scope.Key("\"scope\":"));
                         scope.Array("\"logRecords\":", sl.log_records(), WriteLogRecord);
                         scope.String("\"schemaUrl\":", sl.schema_url());
                       });
               o.String("\"schemaUrl\":", rl.schema_url());
             });
}

}  // namespace ocelot::pdata
