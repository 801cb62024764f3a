// JSON value writers shared by the OTLP/JSON encoders (reflection-driven and typed) and by
// anything else that must render values exactly as Go's encoding/json does.
#include "pdata/json_primitives.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

namespace ocelot::pdata::json {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// ASCII bytes that need an escape. Beyond JSON's requirements this includes < > & because
// Go's encoding/json (and so otelcol) escapes them, and we want byte-identical output.
// Non-ASCII bytes are flagged too, so the common case is one table load per byte.
constexpr std::array<bool, 256> MakeSpecialTable() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  for (int c = 0x80; c < 0x100; ++c) table[c] = true;
  table['"'] = table['\\'] = table['<'] = table['>'] = table['&'] = true;
  return table;
}
constexpr std::array<bool, 256> kSpecial = MakeSpecialTable();

// Length of the well-formed UTF-8 sequence starting at p (RFC 3629: no overlongs, surrogates
// or code points above U+10FFFF), or 0 if the lead byte does not start one.
size_t Utf8SequenceLength(const unsigned char* p, size_t available) {
  const unsigned char c = p[0];
  auto cont = [&](size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < available && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

template <typename Int>
void AppendIntImpl(Int v, std::string* out) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, res.ptr - buf);
}

template <typename Int>
void AppendQuotedIntImpl(Int v, std::string* out) {
  char buf[24];
  buf[0] = '"';
  const auto res = std::to_chars(buf + 1, buf + sizeof(buf) - 1, v);
  *res.ptr = '"';
  out->append(buf, res.ptr + 1 - buf);
}

// Formats like Go's encoding/json: shortest round-trip digits, plain notation unless the
// magnitude is below 1e-6 or at least 1e21, exponent without a leading zero ("1e-7").
template <typename Float>
void AppendFloatImpl(Float v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buf[64];
  const Float abs = std::fabs(v);
  const bool scientific = abs != 0 && (abs < Float(1e-6) || abs >= Float(1e21));
  const auto res =
      std::to_chars(buf, buf + sizeof(buf), v,
                    scientific ? std::chars_format::scientific : std::chars_format::fixed);
  size_t n = res.ptr - buf;
  if (scientific && n >= 4 && buf[n - 4] == 'e' && buf[n - 3] == '-' && buf[n - 2] == '0') {
    buf[n - 2] = buf[n - 1];
    --n;
  }
  out->append(buf, n);
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t start = 0;  // first byte not yet copied
  size_t i = 0;
  while (true) {
    while (i < n && !kSpecial[p[i]]) ++i;
    if (i == n) break;
    const unsigned char c = p[i];
    if (c < 0x80) {
      out->append(s.data() + start, i - start);
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default: {
          const char esc[6] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
          out->append(esc, sizeof(esc));
        }
      }
      start = ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(p + i, n - i);
    if (len == 0) {
      // Invalid UTF-8 would make the whole document unparseable; replace byte by byte.
      out->append(s.data() + start, i - start);
      out->append("\\ufffd");
      start = ++i;
      continue;
    }
    if (len == 3 && c == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
      // U+2028/U+2029 are valid JSON but break JavaScript consumers; Go escapes them too.
      out->append(s.data() + start, i - start);
      out->append(p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
      i += 3;
      start = i;
      continue;
    }
    i += len;
  }
  out->append(s.data() + start, n - start);
  out->push_back('"');
}

void AppendBase64Raw(std::string_view in, std::string* out) {
  const size_t old_size = out->size();
  out->resize(old_size + (in.size() + 2) / 3 * 4);
  char* dst = out->data() + old_size;
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    *dst++ = kBase64Chars[v >> 18];
    *dst++ = kBase64Chars[(v >> 12) & 63];
    *dst++ = kBase64Chars[(v >> 6) & 63];
    *dst++ = kBase64Chars[v & 63];
  }
  const size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{p[i]} << 16;
    if (rest == 2) v |= uint32_t{p[i + 1]} << 8;
    *dst++ = kBase64Chars[v >> 18];
    *dst++ = kBase64Chars[(v >> 12) & 63];
    *dst++ = rest == 2 ? kBase64Chars[(v >> 6) & 63] : '=';
    *dst++ = '=';
  }
}

void AppendBase64(std::string_view in, std::string* out) {
  out->push_back('"');
  AppendBase64Raw(in, out);
  out->push_back('"');
}

void AppendHexId(std::string_view id, std::string* out) {
  // otelcol's TraceID/SpanID write "" for an all-zero (invalid) id as well as for an empty one.
  bool all_zero = true;
  for (char c : id) all_zero &= c == 0;
  out->push_back('"');
  if (!all_zero) {
    const size_t old_size = out->size();
    out->resize(old_size + id.size() * 2);
    char* dst = out->data() + old_size;
    for (unsigned char c : id) {
      *dst++ = kHexDigits[c >> 4];
      *dst++ = kHexDigits[c & 0xF];
    }
  }
  out->push_back('"');
}

size_t FormatGoFloat(double v, char* buf) {
  const double abs = std::fabs(v);
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    const auto res = std::to_chars(buf, buf + kGoFloatBufferSize, v, std::chars_format::scientific);
    size_t n = res.ptr - buf;
    // Both Go and C++ pad the exponent to two digits; Go's JSON encoder then drops the zero of
    // a negative one ("e-07" → "e-7"). Positive exponents here are >= 21.
    if (n >= 4 && buf[n - 4] == 'e' && buf[n - 3] == '-' && buf[n - 2] == '0') {
      buf[n - 2] = buf[n - 1];
      --n;
    }
    return n;
  }
  // Go's 'f' format with precision -1 takes the shortest round-trip digits and pads with zeros
  // ("1152921504606847000" for 2^60); std::to_chars' fixed form would print the exact integer
  // instead. So take the shortest digits from the scientific form and lay them out here.
  char sci[kGoFloatBufferSize];
  const auto res = std::to_chars(sci, sci + sizeof(sci), v, std::chars_format::scientific);
  const char* p = sci;
  const char* const end = res.ptr;
  char* o = buf;
  if (*p == '-') *o++ = *p++;
  char digits[24];
  int nd = 0;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits[nd++] = *p;
  }
  ++p;  // 'e'
  const bool negative_exp = *p++ == '-';
  int exp = 0;
  for (; p < end; ++p) exp = exp * 10 + (*p - '0');
  if (negative_exp) exp = -exp;
  const int point = exp + 1;  // digits before the decimal point
  if (point <= 0) {
    *o++ = '0';
    *o++ = '.';
    for (int i = 0; i < -point; ++i) *o++ = '0';
    for (int i = 0; i < nd; ++i) *o++ = digits[i];
  } else if (point >= nd) {
    for (int i = 0; i < nd; ++i) *o++ = digits[i];
    for (int i = nd; i < point; ++i) *o++ = '0';
  } else {
    for (int i = 0; i < point; ++i) *o++ = digits[i];
    *o++ = '.';
    for (int i = point; i < nd; ++i) *o++ = digits[i];
  }
  return o - buf;
}

void AppendInt(int64_t v, std::string* out) { AppendIntImpl(v, out); }
void AppendInt(uint64_t v, std::string* out) { AppendIntImpl(v, out); }
void AppendQuotedInt(int64_t v, std::string* out) { AppendQuotedIntImpl(v, out); }
void AppendQuotedInt(uint64_t v, std::string* out) { AppendQuotedIntImpl(v, out); }
void AppendFloat(double v, std::string* out) {
  if (!std::isfinite(v)) {
    AppendFloatImpl(v, out);  // the quoted OTLP/JSON names
    return;
  }
  char buf[kGoFloatBufferSize];
  out->append(buf, FormatGoFloat(v, buf));
}
void AppendFloat(float v, std::string* out) { AppendFloatImpl(v, out); }

}  // namespace ocelot::pdata::json
