// OTLP/JSON codec: converts any OTLP protobuf message to and from the JSON encoding that the
// OTLP spec defines and that otelcol's file exporter and OTLP/HTTP JSON endpoints produce.
#ifndef OCELOT_PDATA_OTLP_JSON_H_
#define OCELOT_PDATA_OTLP_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace ocelot::pdata {

// Appends the OTLP/JSON encoding of msg (one JSON object, no trailing newline) to *out.
//
// The output is byte-compatible with otelcol 0.96 (pdata's gogo/jsonpb marshaler):
//  - keys are the lowerCamelCase json_name, in field declaration order;
//  - trace_id/span_id/parent_span_id bytes fields are lowercase hex and, like otelcol, always
//    written ("" when empty or all zero); other bytes fields are padded standard base64;
//  - enums are integers; 64-bit integers are decimal strings; doubles are numbers formatted
//    as Go's encoding/json does, NaN/Infinity/-Infinity as strings;
//  - scalars with their default value and empty repeated fields are omitted, except oneof
//    members and proto3 `optional` fields, which are written whenever set;
//  - singular message fields outside a oneof (resource, scope, status, KeyValue.value,
//    LogRecord.body, Buckets, partial_success) are always written, as {} when unset, because
//    otelcol models them as non-nullable structs;
//  - strings are escaped as Go does: \" \\ \n \r \t, other control characters and < > & as
//    \u00XX, U+2028/U+2029 escaped, each invalid UTF-8 byte replaced by \ufffd.
// Map fields and well-known types get no special treatment (OTLP uses neither).
void AppendOtlpJson(const google::protobuf::Message& msg, std::string* out);
// The same through reflection alone, for any message; AppendOtlpJson uses typed encoders for
// traces and logs requests (otlp_json_typed.h). Exposed for tests and benchmarks.
void AppendOtlpJsonByReflection(const google::protobuf::Message& msg, std::string* out);

// Parses OTLP/JSON into *msg (which may be arena-allocated). *msg is cleared first.
// Accepts both lowerCamelCase and original snake_case keys, 64-bit integers as strings or
// numbers, enums as integers or value names, hex ids (either case), base64 in either
// alphabet with or without padding, and null as "unset". Unknown keys are ignored.
// On failure *msg is cleared and the result is absl::InvalidArgumentError whose message
// names the JSON path of the bad field, e.g.
// `resourceSpans[0].scopeSpans[1].spans[3].traceId: expected 32 hex digits`.
absl::Status ParseOtlpJson(std::string_view json, google::protobuf::Message* msg);

}  // namespace ocelot::pdata

#endif  // OCELOT_PDATA_OTLP_JSON_H_
