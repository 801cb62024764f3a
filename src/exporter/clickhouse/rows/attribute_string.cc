// AnyValue → string as pcommon 1.3 (otelcol 0.96) renders it. Go facts this follows, checked
// against pcommon's value.go (AsString, float64AsString, AsRaw) and encoding/json as built with
// Go 1.21 (the toolchain of the 0.96 release builds): see attribute_string.h for the rules.
#include "exporter/clickhouse/rows/attribute_string.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "pdata/json_primitives.h"

namespace ocelot::exporter::clickhouse {
namespace {

using opentelemetry::proto::common::v1::KeyValue;

using pdata::json::AppendBase64Raw;
using pdata::json::AppendInt;
using pdata::json::AppendJsonString;
using pdata::json::FormatGoFloat;
using pdata::json::kGoFloatBufferSize;

// Go's strconv.FormatFloat(f, 'g', -1, 64) for the non-finite values.
const char* NonFiniteText(double v) {
  if (std::isnan(v)) return "json: unsupported value: NaN";
  return v > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf";
}

// Appends the JSON of AsRaw(v) as encoding/json marshals it; false if v holds a NaN or an
// infinity (json.Marshal fails, and AsString then yields "").
bool AppendJson(const AnyValue& v, std::string* out);

bool AppendJsonObject(const google::protobuf::RepeatedPtrField<KeyValue>& kvs, std::string* out) {
  // AsRaw builds a Go map (a later duplicate key replaces an earlier one) and encoding/json
  // writes its keys in sorted byte order.
  std::vector<int> order(kvs.size());
  for (int i = 0; i < kvs.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&kvs](int a, int b) { return kvs[a].key() < kvs[b].key(); });
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < order.size(); ++i) {
    const KeyValue& kv = kvs[order[i]];
    if (i + 1 < order.size() && kvs[order[i + 1]].key() == kv.key()) continue;  // not the last
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(kv.key(), out);
    out->push_back(':');
    if (!AppendJson(kv.value(), out)) return false;
  }
  out->push_back('}');
  return true;
}

bool AppendJson(const AnyValue& v, std::string* out) {
  switch (v.value_case()) {
    case AnyValue::kStringValue:
      AppendJsonString(v.string_value(), out);
      return true;
    case AnyValue::kBoolValue:
      out->append(v.bool_value() ? "true" : "false");
      return true;
    case AnyValue::kIntValue:
      AppendInt(v.int_value(), out);
      return true;
    case AnyValue::kDoubleValue: {
      if (!std::isfinite(v.double_value())) return false;
      char buf[kGoFloatBufferSize];
      out->append(buf, FormatGoFloat(v.double_value(), buf));
      return true;
    }
    case AnyValue::kBytesValue:
      // ByteSlice.AsRaw copies into a nil slice, so an empty value stays nil → null.
      if (v.bytes_value().empty()) {
        out->append("null");
      } else {
        pdata::json::AppendBase64(v.bytes_value(), out);
      }
      return true;
    case AnyValue::kArrayValue: {
      out->push_back('[');
      const auto& values = v.array_value().values();
      for (int i = 0; i < values.size(); ++i) {
        if (i > 0) out->push_back(',');
        if (!AppendJson(values[i], out)) return false;
      }
      out->push_back(']');
      return true;
    }
    case AnyValue::kKvlistValue:
      return AppendJsonObject(v.kvlist_value().values(), out);
    case AnyValue::VALUE_NOT_SET:
      break;
  }
  out->append("null");
  return true;
}

}  // namespace

void AppendValueString(const AnyValue& v, std::string* out) {
  switch (v.value_case()) {
    case AnyValue::kStringValue:
      out->append(v.string_value());
      return;
    case AnyValue::kBoolValue:
      out->append(v.bool_value() ? "true" : "false");
      return;
    case AnyValue::kIntValue:
      AppendInt(v.int_value(), out);
      return;
    case AnyValue::kDoubleValue: {
      const double d = v.double_value();
      if (!std::isfinite(d)) {
        out->append(NonFiniteText(d));
        return;
      }
      char buf[kGoFloatBufferSize];
      out->append(buf, FormatGoFloat(d, buf));
      return;
    }
    case AnyValue::kBytesValue:
      AppendBase64Raw(v.bytes_value(), out);
      return;
    case AnyValue::kArrayValue:
    case AnyValue::kKvlistValue: {
      const size_t start = out->size();
      if (!AppendJson(v, out)) out->resize(start);
      return;
    }
    case AnyValue::VALUE_NOT_SET:
      return;
  }
}

std::string ValueString(const AnyValue& v) {
  std::string s;
  AppendValueString(v, &s);
  return s;
}

}  // namespace ocelot::exporter::clickhouse
