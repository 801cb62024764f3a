// Behaviour follows contrib's attraction package at 0.96 (SHA-1 hashing: the sha256 feature gate
// is off by default there), value typing follows yaml.v3 and formatting follows Go's strconv.
#include "pdata/attribute_actions.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>

namespace ocelot::pdata {
namespace {

using ::opentelemetry::proto::common::v1::ArrayValue;
using ::opentelemetry::proto::common::v1::KeyValueList;

// ---- SHA-1 (FIPS 180-4); small enough to keep a crypto library out of pdata. ----

uint32_t Rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

void Sha1Block(const uint8_t* p, uint32_t h[5]) {
  uint32_t w[80];
  for (int i = 0; i < 16; ++i) {
    w[i] = (uint32_t{p[4 * i]} << 24) | (uint32_t{p[4 * i + 1]} << 16) |
           (uint32_t{p[4 * i + 2]} << 8) | uint32_t{p[4 * i + 3]};
  }
  for (int i = 16; i < 80; ++i) w[i] = Rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; ++i) {
    uint32_t f, k;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5A827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ED9EBA1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8F1BBCDC;
    } else {
      f = b ^ c ^ d;
      k = 0xCA62C1D6;
    }
    uint32_t t = Rotl(a, 5) + f + e + k + w[i];
    e = d;
    d = c;
    c = Rotl(b, 30);
    b = a;
    a = t;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}

// ---- Go number formatting and parsing ----

// strconv.FormatFloat(f, 'f' or 'e', -1, 64): the shortest text that reads back exactly.
std::string FormatShortest(double f, std::chars_format fmt) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof(buf), f, fmt);
  return std::string(buf, r.ptr);
}

// pcommon's float64AsString (and encoding/json's float encoding): ES6 number-to-string.
std::string GoFloatString(double f) {
  if (std::isnan(f)) return "json: unsupported value: NaN";
  if (std::isinf(f))
    return f > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf";
  double abs = std::fabs(f);
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    std::string s = FormatShortest(f, std::chars_format::scientific);
    size_t n = s.size();  // "1e-07" -> "1e-7", as Go cleans it up
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
    return s;
  }
  return FormatShortest(f, std::chars_format::fixed);
}

// strconv.ParseInt(s, 10, 64).
std::optional<int64_t> GoParseInt10(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) return {};
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return {};
  return v;
}

// strconv.ParseFloat(s, 64): decimal or hex, "inf"/"infinity"/"nan" in any case, optional sign.
std::optional<double> GoParseFloat(std::string_view s) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return {};
  std::string copy(s);
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return {};
  if (errno == ERANGE && std::isinf(v)) return {};
  return v;
}

// Go's int64(f) on amd64: out of range and NaN give the "integer indefinite" value.
int64_t GoDoubleToInt(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(f);
}

// strconv.ParseInt/ParseUint(s, 0, 64) on yaml.v3's underscore-free text.
std::optional<int64_t> YamlParseInt(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  if (s.empty()) return {};
  uint64_t u = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), u, base);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return {};
  if (neg) {
    if (u > uint64_t{1} << 63) return {};
    return static_cast<int64_t>(0 - u);
  }
  return static_cast<int64_t>(u);  // above int64 max: uint64, which FromRaw wraps to int64
}

bool IsYamlStyleFloat(std::string_view s) {
  // ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// ---- JSON as Go's encoding/json writes AsRaw() values (map keys sorted, HTML escaped) ----

void AppendJsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string Base64(std::string_view data) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t n = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63],
            kAlphabet[n & 63]};
  }
  if (i + 1 == data.size()) {
    uint32_t n = uint8_t(data[i]) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == data.size()) {
    uint32_t n = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

void AppendJson(const AnyValue& v, std::string* out) {
  switch (v.value_case()) {
    case AnyValue::kStringValue:
      AppendJsonString(v.string_value(), out);
      break;
    case AnyValue::kBoolValue:
      *out += v.bool_value() ? "true" : "false";
      break;
    case AnyValue::kIntValue:
      *out += std::to_string(v.int_value());
      break;
    case AnyValue::kDoubleValue:
      *out += GoFloatString(v.double_value());
      break;
    case AnyValue::kBytesValue:
      AppendJsonString(Base64(v.bytes_value()), out);
      break;
    case AnyValue::kArrayValue: {
      out->push_back('[');
      bool first = true;
      for (const AnyValue& item : v.array_value().values()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(item, out);
      }
      out->push_back(']');
      break;
    }
    case AnyValue::kKvlistValue: {
      // AsRaw builds a Go map (the last duplicate key wins); json.Marshal sorts its keys.
      std::map<std::string_view, const AnyValue*> sorted;
      for (const KeyValue& kv : v.kvlist_value().values()) sorted[kv.key()] = &kv.value();
      out->push_back('{');
      bool first = true;
      for (const auto& [k, item] : sorted) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(k, out);
        out->push_back(':');
        AppendJson(*item, out);
      }
      out->push_back('}');
      break;
    }
    case AnyValue::VALUE_NOT_SET:
      *out += "null";
      break;
  }
}

// ---- attribute list operations with pcommon.Map's semantics ----

// pcommon.Map.Remove: the last element takes the removed one's place.
void RemoveAttribute(Attributes* attrs, std::string_view key) {
  for (int i = 0; i < attrs->size(); ++i) {
    if (attrs->Get(i).key() == key) {
      if (i != attrs->size() - 1) attrs->SwapElements(i, attrs->size() - 1);
      attrs->RemoveLast();
      return;
    }
  }
}

AnyValue* PutEmpty(Attributes* attrs, std::string_view key) {
  KeyValue* kv = attrs->Add();
  kv->set_key(std::string(key));
  return kv->mutable_value();
}

void PutString(Attributes* attrs, std::string_view key, std::string_view value) {
  KeyValue* kv = FindAttribute(attrs, key);
  AnyValue* v = kv ? kv->mutable_value() : PutEmpty(attrs, key);
  v->set_string_value(std::string(value));
}

std::vector<std::string> MatchingKeys(const re2::RE2* re, const Attributes& attrs) {
  std::vector<std::string> keys;
  if (re == nullptr) return keys;
  for (const KeyValue& kv : attrs) {
    if (re2::RE2::PartialMatch(kv.key(), *re)) keys.push_back(kv.key());
  }
  return keys;
}

// attraction's sha1Hasher: the value's bytes (strings as is, bools as one byte, numbers as 8
// little-endian bytes) hashed to hex; every other type, and the empty string, becomes "".
void HashValue(AnyValue* v) {
  std::string bytes;
  switch (v->value_case()) {
    case AnyValue::kStringValue:
      bytes = v->string_value();
      break;
    case AnyValue::kBoolValue:
      bytes.assign(1, v->bool_value() ? '\1' : '\0');
      break;
    case AnyValue::kIntValue:
    case AnyValue::kDoubleValue: {
      uint64_t n = v->value_case() == AnyValue::kIntValue
                       ? static_cast<uint64_t>(v->int_value())
                       : std::bit_cast<uint64_t>(v->double_value());
      for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
      break;
    }
    default:
      break;
  }
  v->set_string_value(bytes.empty() ? std::string() : Sha1Hex(bytes));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::unique_ptr<re2::RE2> CompileRegex(const std::string& pattern, std::string* error) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(pattern, options);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  return re;
}

// Checks one action as attraction.NewAttrProc does. Returns the key the problem belongs to
// ("" for the action as a whole) and the message, or nullopt when the action is valid.
std::optional<std::pair<std::string, std::string>> CheckAction(const AttributeActionConfig& a) {
  const std::string action = Lower(a.action);
  const bool delete_or_hash = action == "delete" || action == "hash";
  if (action.empty()) return std::make_pair(std::string(), "missing required field \"action\"");
  if (delete_or_hash) {
    if (a.key.empty() && a.pattern.empty()) {
      return std::make_pair(std::string(),
                            "missing required field (at least one of \"key\" and \"pattern\" "
                            "have to be used)");
    }
  } else if (a.key.empty()) {
    return std::make_pair(std::string(), "missing required field \"key\"");
  }
  int sources =
      (a.value ? 1 : 0) + (a.from_attribute.empty() ? 0 : 1) + (a.from_context.empty() ? 0 : 1);
  auto unused = [&](const std::string& field) {
    return std::make_pair(
        field, "action \"" + action + "\" does not use the \"" + field + "\" field; remove it");
  };
  if (action == "insert" || action == "update" || action == "upsert") {
    if (sources == 0) {
      return std::make_pair(std::string(),
                            "either field \"value\", \"from_attribute\" or \"from_context\" must "
                            "be set for action \"" +
                                action + "\"");
    }
    if (sources > 1) {
      return std::make_pair(std::string(),
                            "only one of \"value\", \"from_attribute\" and \"from_context\" may "
                            "be set");
    }
    if (!a.pattern.empty()) return unused("pattern");
    if (!a.converted_type.empty()) return unused("converted_type");
    return std::nullopt;
  }
  if (delete_or_hash) {
    if (a.value) return unused("value");
    if (!a.from_attribute.empty()) return unused("from_attribute");
    if (!a.converted_type.empty()) return unused("converted_type");
    if (!a.pattern.empty()) {
      std::string error;
      if (!CompileRegex(a.pattern, &error)) {
        return std::make_pair(std::string("pattern"),
                              "invalid pattern \"" + a.pattern + "\": " + error);
      }
    }
    return std::nullopt;
  }
  if (action == "extract") {
    if (a.value) return unused("value");
    if (!a.from_attribute.empty()) return unused("from_attribute");
    if (!a.from_context.empty()) return unused("from_context");
    if (!a.converted_type.empty()) return unused("converted_type");
    if (a.pattern.empty()) {
      return std::make_pair(std::string(),
                            "missing required field \"pattern\" for action \"extract\"");
    }
    std::string error;
    auto re = CompileRegex(a.pattern, &error);
    if (!re) {
      return std::make_pair(std::string("pattern"),
                            "invalid pattern \"" + a.pattern + "\": " + error);
    }
    if (re->NumberOfCapturingGroups() == 0) {
      return std::make_pair(std::string("pattern"),
                            "pattern \"" + a.pattern + "\" contains no named matcher groups");
    }
    if (static_cast<int>(re->CapturingGroupNames().size()) != re->NumberOfCapturingGroups()) {
      return std::make_pair(std::string("pattern"),
                            "pattern \"" + a.pattern +
                                "\" contains at least one unnamed matcher group (every group "
                                "names the attribute it extracts to: (?P<name>...))");
    }
    return std::nullopt;
  }
  if (action == "convert") {
    if (a.value) return unused("value");
    if (!a.from_attribute.empty()) return unused("from_attribute");
    if (!a.from_context.empty()) return unused("from_context");
    if (!a.pattern.empty()) return unused("pattern");
    if (a.converted_type.empty()) {
      return std::make_pair(std::string(),
                            "missing required field \"converted_type\" for action \"convert\"");
    }
    if (a.converted_type != "int" && a.converted_type != "double" && a.converted_type != "string") {
      return std::make_pair(std::string("converted_type"), "invalid value \"" + a.converted_type +
                                                               "\" (allowed: int, double, string)");
    }
    return std::nullopt;
  }
  return std::make_pair(std::string("action"),
                        "unsupported action \"" + a.action +
                            "\" (allowed: insert, update, upsert, delete, hash, extract, convert)");
}

}  // namespace

std::string Sha1Hex(std::string_view data) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  size_t full = n / 64 * 64;
  for (size_t i = 0; i < full; i += 64) Sha1Block(p + i, h);
  uint8_t tail[128] = {};
  size_t rest = n - full;
  std::memcpy(tail, p + full, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 9 <= 64 ? 64 : 128;
  uint64_t bits = static_cast<uint64_t>(n) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  for (size_t i = 0; i < tail_len; i += 64) Sha1Block(tail + i, h);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (uint32_t word : h) {
    for (int shift = 28; shift >= 0; shift -= 4) out.push_back(kHex[(word >> shift) & 0xF]);
  }
  return out;
}

bool YamlToAnyValue(const config::Node& node, AnyValue* out) {
  out->Clear();
  switch (node.kind()) {
    case config::Node::Kind::kNull:
      return false;
    case config::Node::Kind::kSequence: {
      ArrayValue* array = out->mutable_array_value();
      for (const config::Node& item : node.items()) {
        AnyValue* v = array->add_values();
        YamlToAnyValue(item, v);  // a null item stays an empty value, as FromRaw(nil) does
      }
      return true;
    }
    case config::Node::Kind::kMap: {
      KeyValueList* list = out->mutable_kvlist_value();
      for (const config::Node::Entry& e : node.entries()) {
        KeyValue* kv = list->add_values();
        kv->set_key(e.key);
        YamlToAnyValue(e.value, kv->mutable_value());
      }
      return true;
    }
    case config::Node::Kind::kScalar:
      break;
  }
  const std::string& s = node.scalar();
  if (node.quoted() || s.empty()) {
    out->set_string_value(s);
    return true;
  }
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") return false;
  if (s == "true" || s == "True" || s == "TRUE") {
    out->set_bool_value(true);
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    out->set_bool_value(false);
    return true;
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
    out->set_double_value(std::numeric_limits<double>::infinity());
    return true;
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
    out->set_double_value(-std::numeric_limits<double>::infinity());
    return true;
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    out->set_double_value(std::numeric_limits<double>::quiet_NaN());
    return true;
  }
  std::string plain = s;
  plain.erase(std::remove(plain.begin(), plain.end(), '_'), plain.end());
  if (auto i = YamlParseInt(plain)) {
    out->set_int_value(*i);
    return true;
  }
  if (IsYamlStyleFloat(plain)) {
    if (auto d = GoParseFloat(plain)) {
      out->set_double_value(*d);
      return true;
    }
  }
  out->set_string_value(s);
  return true;
}

std::string AnyValueAsString(const AnyValue& v) {
  switch (v.value_case()) {
    case AnyValue::kStringValue:
      return v.string_value();
    case AnyValue::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case AnyValue::kIntValue:
      return std::to_string(v.int_value());
    case AnyValue::kDoubleValue:
      return GoFloatString(v.double_value());
    case AnyValue::kBytesValue:
      return Base64(v.bytes_value());
    case AnyValue::kArrayValue:
    case AnyValue::kKvlistValue: {
      std::string out;
      AppendJson(v, &out);
      return out;
    }
    case AnyValue::VALUE_NOT_SET:
      return "";
  }
  return "";
}

bool AnyValueEquals(const AnyValue& a, const AnyValue& b) {
  if (a.value_case() != b.value_case()) return false;
  switch (a.value_case()) {
    case AnyValue::kStringValue:
      return a.string_value() == b.string_value();
    case AnyValue::kBoolValue:
      return a.bool_value() == b.bool_value();
    case AnyValue::kIntValue:
      return a.int_value() == b.int_value();
    case AnyValue::kDoubleValue:
      return a.double_value() == b.double_value();
    case AnyValue::kBytesValue:
      return a.bytes_value() == b.bytes_value();
    case AnyValue::kArrayValue: {
      const auto& x = a.array_value().values();
      const auto& y = b.array_value().values();
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); ++i) {
        if (!AnyValueEquals(x[i], y[i])) return false;
      }
      return true;
    }
    case AnyValue::kKvlistValue: {
      const auto& x = a.kvlist_value().values();
      const auto& y = b.kvlist_value().values();
      if (x.size() != y.size()) return false;
      for (const KeyValue& kv : x) {
        const KeyValue* other = FindAttribute(y, kv.key());
        if (other == nullptr || !AnyValueEquals(kv.value(), other->value())) return false;
      }
      return true;
    }
    case AnyValue::VALUE_NOT_SET:
      return true;
  }
  return false;
}

const KeyValue* FindAttribute(const Attributes& attrs, std::string_view key) {
  for (const KeyValue& kv : attrs) {
    if (kv.key() == key) return &kv;
  }
  return nullptr;
}

KeyValue* FindAttribute(Attributes* attrs, std::string_view key) {
  for (KeyValue& kv : *attrs) {
    if (kv.key() == key) return &kv;
  }
  return nullptr;
}

void DecodeAttributeActions(config::MapDecoder& d, std::string_view key,
                            std::vector<AttributeActionConfig>* out) {
  const config::Node* list = d.Take(key);
  if (list == nullptr || list->is_null()) return;
  if (!list->is_sequence()) {
    d.Error(key, std::string("expected a list of actions, got a ") + list->KindName());
    return;
  }
  out->clear();
  for (size_t i = 0; i < list->items().size(); ++i) {
    const config::Node& item = list->items()[i];
    config::MapDecoder a(item, d.PathOf(key) + "[" + std::to_string(i) + "]", d.diagnostics());
    AttributeActionConfig spec;
    a.Field("key", &spec.key);
    if (const config::Node* v = a.Take("value")) {
      AnyValue value;
      if (YamlToAnyValue(*v, &value)) spec.value = std::move(value);
    }
    a.Field("pattern", &spec.pattern);
    a.Field("from_attribute", &spec.from_attribute);
    a.Field("from_context", &spec.from_context);
    a.Field("converted_type", &spec.converted_type);
    a.Field("action", &spec.action);
    a.Finish();
    if (item.is_null()) {
      a.Error("empty action (expected key, action and the fields the action needs)");
      continue;
    }
    if (!item.is_map()) continue;  // already reported by the decoder
    if (auto problem = CheckAction(spec)) {
      if (problem->first.empty()) {
        a.Error(problem->second);
      } else {
        a.Error(problem->first, problem->second);
      }
    }
    out->push_back(std::move(spec));
  }
}

absl::StatusOr<AttributeActions> AttributeActions::Compile(
    const std::vector<AttributeActionConfig>& specs) {
  AttributeActions out;
  for (size_t i = 0; i < specs.size(); ++i) {
    const AttributeActionConfig& s = specs[i];
    if (auto problem = CheckAction(s)) {
      return absl::InvalidArgumentError("action " + std::to_string(i) + ": " +
                                        (problem->first.empty() ? "" : problem->first + ": ") +
                                        problem->second);
    }
    const std::string name = Lower(s.action);
    Action a;
    a.key = s.key;
    if (name == "insert") a.kind = Kind::kInsert;
    if (name == "update") a.kind = Kind::kUpdate;
    if (name == "upsert") a.kind = Kind::kUpsert;
    if (name == "delete") a.kind = Kind::kDelete;
    if (name == "hash") a.kind = Kind::kHash;
    if (name == "extract") a.kind = Kind::kExtract;
    if (name == "convert") a.kind = Kind::kConvert;
    if (a.kind == Kind::kInsert || a.kind == Kind::kUpdate || a.kind == Kind::kUpsert) {
      a.value = s.value;
      a.from_attribute = s.from_attribute;
      a.from_context = !s.from_context.empty();
    }
    if (!s.pattern.empty()) {
      std::string error;
      a.regex = CompileRegex(s.pattern, &error);
    }
    if (a.kind == Kind::kExtract) {
      a.group_names.assign(a.regex->NumberOfCapturingGroups() + 1, "");
      for (const auto& [index, group] : a.regex->CapturingGroupNames()) {
        a.group_names[index] = group;
      }
    }
    if (a.kind == Kind::kConvert) {
      a.converted = s.converted_type == "int"      ? Target::kInt
                    : s.converted_type == "double" ? Target::kDouble
                                                   : Target::kString;
    }
    out.actions_.push_back(std::move(a));
  }
  return out;
}

AttributeActions::AttributeActions(AttributeActions&&) noexcept = default;
AttributeActions& AttributeActions::operator=(AttributeActions&&) noexcept = default;
AttributeActions::~AttributeActions() = default;

const AnyValue* AttributeActions::Source(const Action& a, const Attributes& attrs) const {
  if (a.value) return &*a.value;
  if (a.from_context) return nullptr;
  const KeyValue* kv = FindAttribute(attrs, a.from_attribute);
  return kv ? &kv->value() : nullptr;
}

void AttributeActions::Apply(Attributes* attrs) const {
  for (const Action& a : actions_) {
    switch (a.kind) {
      case Kind::kDelete:
        RemoveAttribute(attrs, a.key);
        for (const std::string& k : MatchingKeys(a.regex.get(), *attrs)) RemoveAttribute(attrs, k);
        break;
      case Kind::kInsert: {
        // Elements of a RepeatedPtrField never move, so `src` stays valid across Add().
        const AnyValue* src = Source(a, *attrs);
        if (src == nullptr || FindAttribute(*attrs, a.key) != nullptr) break;
        PutEmpty(attrs, a.key)->CopyFrom(*src);
        break;
      }
      case Kind::kUpdate: {
        const AnyValue* src = Source(a, *attrs);
        KeyValue* dst = src ? FindAttribute(attrs, a.key) : nullptr;
        if (dst != nullptr && &dst->value() != src) dst->mutable_value()->CopyFrom(*src);
        break;
      }
      case Kind::kUpsert: {
        const AnyValue* src = Source(a, *attrs);
        if (src == nullptr) break;
        KeyValue* dst = FindAttribute(attrs, a.key);
        if (dst == nullptr) {
          PutEmpty(attrs, a.key)->CopyFrom(*src);
        } else if (&dst->value() != src) {
          dst->mutable_value()->CopyFrom(*src);
        }
        break;
      }
      case Kind::kHash:
        if (KeyValue* kv = FindAttribute(attrs, a.key)) HashValue(kv->mutable_value());
        for (const std::string& k : MatchingKeys(a.regex.get(), *attrs)) {
          if (KeyValue* kv = FindAttribute(attrs, k)) HashValue(kv->mutable_value());
        }
        break;
      case Kind::kExtract: {
        const KeyValue* kv = FindAttribute(*attrs, a.key);
        if (kv == nullptr || kv->value().value_case() != AnyValue::kStringValue) break;
        const std::string text = kv->value().string_value();  // PutString may overwrite it
        const int n = static_cast<int>(a.group_names.size());
        std::vector<re2::StringPiece> groups(n);
        if (!a.regex->Match(text, 0, text.size(), re2::RE2::UNANCHORED, groups.data(), n)) break;
        for (int i = 1; i < n; ++i) {
          PutString(attrs, a.group_names[i],
                    groups[i].data() ? std::string_view(groups[i].data(), groups[i].size())
                                     : std::string_view());
        }
        break;
      }
      case Kind::kConvert: {
        KeyValue* kv = FindAttribute(attrs, a.key);
        if (kv == nullptr) break;
        AnyValue* v = kv->mutable_value();
        switch (a.converted) {
          case Target::kString:
            if (v->value_case() != AnyValue::kStringValue)
              v->set_string_value(AnyValueAsString(*v));
            break;
          case Target::kInt:
            if (v->value_case() == AnyValue::kDoubleValue) {
              v->set_int_value(GoDoubleToInt(v->double_value()));
            } else if (v->value_case() == AnyValue::kBoolValue) {
              v->set_int_value(v->bool_value() ? 1 : 0);
            } else if (v->value_case() == AnyValue::kStringValue) {
              if (auto n = GoParseInt10(v->string_value())) v->set_int_value(*n);
            }
            break;
          case Target::kDouble:
            if (v->value_case() == AnyValue::kIntValue) {
              v->set_double_value(static_cast<double>(v->int_value()));
            } else if (v->value_case() == AnyValue::kBoolValue) {
              v->set_double_value(v->bool_value() ? 1 : 0);
            } else if (v->value_case() == AnyValue::kStringValue) {
              if (auto d = GoParseFloat(v->string_value())) v->set_double_value(*d);
            }
            break;
          case Target::kNone:
            break;
        }
        break;
      }
    }
  }
}

}  // namespace ocelot::pdata
