// OTLP AnyValue → string, as otelcol 0.96's pcommon.Value.AsString() renders it; every value of
// the ClickHouse tables' Map columns and the logs Body column is written this way.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "opentelemetry/proto/common/v1/common.pb.h"

namespace ocelot::exporter::clickhouse {

using AnyValue = opentelemetry::proto::common::v1::AnyValue;

// Appends `v` rendered as AsString does:
//   string        verbatim
//   bool          true / false
//   int           decimal
//   double        pdata::json::FormatGoFloat; NaN and ±Inf give "json: unsupported value: NaN" /
//   "+Inf" / "-Inf" bytes         standard base64 with padding kvlist/array  compact JSON as
//   encoding/json marshals AsRaw(): object keys sorted bytewise,
//                 duplicate keys last-wins, < > & U+2028 U+2029 escaped, invalid UTF-8 → \ufffd,
//                 nested bytes base64 (empty bytes → null), nested empty value → null; a NaN
//                 or ±Inf anywhere inside makes the whole value ""
//   unset         ""
void AppendValueString(const AnyValue& v, std::string* out);

// Convenience for tests and cold paths.
std::string ValueString(const AnyValue& v);

}  // namespace ocelot::exporter::clickhouse
