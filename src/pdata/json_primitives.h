// JSON value writers that match Go's encoding/json byte for byte (and so otelcol's OTLP/JSON
// and the clickhouse exporter's attribute strings):
//  - strings: \" \\ \n \r \t, other control characters and < > & as \u00XX, U+2028/U+2029
//    escaped, each invalid UTF-8 byte replaced by \ufffd;
//  - bytes: padded standard base64, quoted;
//  - ids: lowercase hex, quoted; "" for an empty or all-zero id (pdata's TraceID/SpanID);
//  - floats: shortest round-trip digits, plain notation unless |v| < 1e-6 or >= 1e21, then an
//    exponent without a leading zero ("1e-7", "1e+21"); NaN and ±Inf as "NaN", "Infinity",
//    "-Infinity" (quoted, as OTLP/JSON writes them);
//  - integers: decimal; quoted for OTLP/JSON's 64-bit fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ocelot::pdata::json {

void AppendJsonString(std::string_view s, std::string* out);
void AppendBase64(std::string_view in, std::string* out);
void AppendBase64Raw(std::string_view in, std::string* out);  // the same without the quotes
void AppendHexId(std::string_view id, std::string* out);
void AppendInt(int64_t v, std::string* out);
void AppendInt(uint64_t v, std::string* out);
inline void AppendInt(int32_t v, std::string* out) { AppendInt(int64_t{v}, out); }
inline void AppendInt(uint32_t v, std::string* out) { AppendInt(uint64_t{v}, out); }
void AppendQuotedInt(int64_t v, std::string* out);
void AppendQuotedInt(uint64_t v, std::string* out);
void AppendFloat(double v, std::string* out);

// Enough room for any FormatGoFloat result ("-2.2250738585072014e-308" is the longest shape).
inline constexpr size_t kGoFloatBufferSize = 32;
// A finite double as Go's encoding/json writes a float64 (ES6 number-to-string): the shortest
// digits that round-trip, in plain notation ("0.1", "123456789", "1152921504606847000": the
// digits padded with zeros, never the exact integer) unless |v| < 1e-6 or |v| >= 1e21, then
// exponent form ("1e-7", "1.5e+21"). -0 gives "-0". Returns the chars written to `buf`.
size_t FormatGoFloat(double v, char* buf);
void AppendFloat(float v, std::string* out);

}  // namespace ocelot::pdata::json
