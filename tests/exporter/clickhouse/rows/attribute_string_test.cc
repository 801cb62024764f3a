// Attribute values rendered as otelcol 0.96 renders them (pcommon Value.AsString).
// Expected strings are what Go produces: strconv/encoding-json float formatting, base64, and
// json.Marshal of AsRaw() for maps and slices.
#include "exporter/clickhouse/rows/attribute_string.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "pdata/json_primitives.h"

namespace ocelot::exporter::clickhouse {
namespace {

using opentelemetry::proto::common::v1::KeyValue;

AnyValue Str(const std::string& s) {
  AnyValue v;
  v.set_string_value(s);
  return v;
}
AnyValue Int(int64_t i) {
  AnyValue v;
  v.set_int_value(i);
  return v;
}
AnyValue Dbl(double d) {
  AnyValue v;
  v.set_double_value(d);
  return v;
}
AnyValue Bool(bool b) {
  AnyValue v;
  v.set_bool_value(b);
  return v;
}
AnyValue Bytes(const std::string& b) {
  AnyValue v;
  v.set_bytes_value(b);
  return v;
}
AnyValue Array(std::initializer_list<AnyValue> items) {
  AnyValue v;
  auto* arr = v.mutable_array_value();
  for (const AnyValue& item : items) *arr->add_values() = item;
  return v;
}
AnyValue Kv(std::initializer_list<std::pair<std::string, AnyValue>> items) {
  AnyValue v;
  auto* list = v.mutable_kvlist_value();
  for (const auto& [k, item] : items) {
    KeyValue* kv = list->add_values();
    kv->set_key(k);
    *kv->mutable_value() = item;
  }
  return v;
}

std::string Go(double d) {
  char buf[pdata::json::kGoFloatBufferSize];
  return std::string(buf, pdata::json::FormatGoFloat(d, buf));
}

TEST(FormatGoFloat, PlainNotationBetweenOneMillionthAndOneE21) {
  EXPECT_EQ(Go(0.1), "0.1");
  EXPECT_EQ(Go(1.5), "1.5");
  EXPECT_EQ(Go(-2.25), "-2.25");
  EXPECT_EQ(Go(123456789.0), "123456789");
  EXPECT_EQ(Go(3.14159), "3.14159");
  EXPECT_EQ(Go(0.000001), "0.000001");
  EXPECT_EQ(Go(0.0000012345), "0.0000012345");
  EXPECT_EQ(Go(1e20), "100000000000000000000");
  EXPECT_EQ(Go(999999999999999900000.0), "999999999999999900000");
  EXPECT_EQ(Go(0.30000000000000004), "0.30000000000000004");
  EXPECT_EQ(Go(100.0), "100");
  EXPECT_EQ(Go(1.0 / 3.0), "0.3333333333333333");
}

TEST(FormatGoFloat, ZeroAndNegativeZero) {
  EXPECT_EQ(Go(0.0), "0");
  EXPECT_EQ(Go(-0.0), "-0");
}

TEST(FormatGoFloat, LargeIntegersUseShortestDigitsPaddedWithZeros) {
  // Go's 'f' with precision -1 pads the shortest digits; C++'s fixed to_chars would print the
  // exact binary value 1152921504606846976.
  EXPECT_EQ(Go(1152921504606846976.0), "1152921504606847000");
  EXPECT_EQ(Go(12345678901234567890.0), "12345678901234567000");
  EXPECT_EQ(Go(9007199254740993.0), "9007199254740992");
  EXPECT_EQ(Go(static_cast<double>(std::numeric_limits<int64_t>::max())), "9223372036854776000");
}

TEST(FormatGoFloat, ExponentFormOutsideThePlainRange) {
  EXPECT_EQ(Go(1e21), "1e+21");
  EXPECT_EQ(Go(1.5e21), "1.5e+21");
  EXPECT_EQ(Go(-1e21), "-1e+21");
  EXPECT_EQ(Go(1e-7), "1e-7");
  EXPECT_EQ(Go(9.99e-7), "9.99e-7");
  EXPECT_EQ(Go(-1.5e-10), "-1.5e-10");
  EXPECT_EQ(Go(1e100), "1e+100");
  EXPECT_EQ(Go(1e-100), "1e-100");
  EXPECT_EQ(Go(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(Go(std::numeric_limits<double>::denorm_min()), "5e-324");
  EXPECT_EQ(Go(std::numeric_limits<double>::min()), "2.2250738585072014e-308");
  EXPECT_EQ(Go(-std::numeric_limits<double>::min()), "-2.2250738585072014e-308");
}

TEST(ValueString, Scalars) {
  EXPECT_EQ(ValueString(Str("hello <b> & \"q\"")), "hello <b> & \"q\"");  // verbatim
  EXPECT_EQ(ValueString(Str("")), "");
  EXPECT_EQ(ValueString(Bool(true)), "true");
  EXPECT_EQ(ValueString(Bool(false)), "false");
  EXPECT_EQ(ValueString(Int(0)), "0");
  EXPECT_EQ(ValueString(Int(-42)), "-42");
  EXPECT_EQ(ValueString(Int(std::numeric_limits<int64_t>::max())), "9223372036854775807");
  EXPECT_EQ(ValueString(Int(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(ValueString(Dbl(0.1)), "0.1");
  EXPECT_EQ(ValueString(Dbl(1e21)), "1e+21");
  EXPECT_EQ(ValueString(Dbl(1e-7)), "1e-7");
  EXPECT_EQ(ValueString(Dbl(-0.0)), "-0");
  EXPECT_EQ(ValueString(AnyValue()), "");
}

TEST(ValueString, NonFiniteDoublesGiveGoErrorText) {
  EXPECT_EQ(ValueString(Dbl(std::nan(""))), "json: unsupported value: NaN");
  EXPECT_EQ(ValueString(Dbl(std::numeric_limits<double>::infinity())),
            "json: unsupported value: +Inf");
  EXPECT_EQ(ValueString(Dbl(-std::numeric_limits<double>::infinity())),
            "json: unsupported value: -Inf");
}

TEST(ValueString, BytesAreStandardBase64WithPadding) {
  EXPECT_EQ(ValueString(Bytes("")), "");
  EXPECT_EQ(ValueString(Bytes("f")), "Zg==");
  EXPECT_EQ(ValueString(Bytes("fo")), "Zm8=");
  EXPECT_EQ(ValueString(Bytes("foo")), "Zm9v");
  EXPECT_EQ(ValueString(Bytes(std::string("\xfb\xff\x00", 3))), "+/8A");
}

TEST(ValueString, ArrayIsCompactJson) {
  EXPECT_EQ(ValueString(Array({})), "[]");
  EXPECT_EQ(ValueString(Array({Str("a"), Int(1), Dbl(2.5), Bool(false), AnyValue()})),
            R"(["a",1,2.5,false,null])");
  EXPECT_EQ(ValueString(Array({Dbl(1e21), Dbl(1e-7), Dbl(100), Dbl(-0.0)})), "[1e+21,1e-7,100,-0]");
  EXPECT_EQ(ValueString(Array({Array({Int(1)}), Kv({})})), "[[1],{}]");
}

TEST(ValueString, KvlistIsJsonObjectWithSortedKeys) {
  EXPECT_EQ(ValueString(Kv({})), "{}");
  EXPECT_EQ(ValueString(Kv({{"b", Int(2)}, {"a", Str("x")}, {"B", Bool(true)}})),
            R"({"B":true,"a":"x","b":2})");
  // Byte order, not locale order: "a.b" < "a_b" < "ab" < "é".
  EXPECT_EQ(
      ValueString(Kv({{"\xc3\xa9", Int(4)}, {"ab", Int(3)}, {"a_b", Int(2)}, {"a.b", Int(1)}})),
      "{\"a.b\":1,\"a_b\":2,\"ab\":3,\"\xc3\xa9\":4}");
  EXPECT_EQ(ValueString(Kv({{"m", Kv({{"z", Int(1)}, {"y", Array({Str("q")})}})}})),
            R"({"m":{"y":["q"],"z":1}})");
}

TEST(ValueString, KvlistDuplicateKeyKeepsTheLastValue) {
  EXPECT_EQ(ValueString(Kv({{"k", Int(1)}, {"j", Int(0)}, {"k", Int(2)}})), R"({"j":0,"k":2})");
}

TEST(ValueString, NestedBytesAreBase64AndEmptyBytesNull) {
  EXPECT_EQ(ValueString(Array({Bytes("foo"), Bytes("")})), R"(["Zm9v",null])");
}

TEST(ValueString, JsonEscapesLikeGoEncodingJson) {
  // HTML characters, quotes, backslash, the short escapes, other control characters as \u00XX
  // (Go 1.21: \b and \f too), DEL unescaped.
  EXPECT_EQ(ValueString(Array({Str("<a href=\"x\">&</a>")})),
            R"(["\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e"])");
  EXPECT_EQ(ValueString(Array({Str("a\\b\nc\rd\te")})), R"(["a\\b\nc\rd\te"])");
  EXPECT_EQ(ValueString(Array({Str(std::string("\x00\x01\x08\x0c\x1f\x7f", 6))})),
            "[\"\\u0000\\u0001\\u0008\\u000c\\u001f\x7f\"]");
  // Keys are escaped the same way.
  EXPECT_EQ(ValueString(Kv({{"<k>", Int(1)}})), R"({"\u003ck\u003e":1})");
}

TEST(ValueString, JsonKeepsValidUnicodeAndEscapesLineSeparators) {
  EXPECT_EQ(ValueString(Array({Str("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")})),
            "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"]");
  EXPECT_EQ(ValueString(Array({Str("a\xe2\x80\xa8z\xe2\x80\xa9")})), R"(["a\u2028z\u2029"])");
}

TEST(ValueString, JsonReplacesInvalidUtf8BytewiseWithReplacementCharacter) {
  // A lone continuation byte, a truncated 3-byte sequence (two bad bytes), an overlong '/',
  // and a UTF-16 surrogate encoded in UTF-8 (three bad bytes).
  EXPECT_EQ(ValueString(Array({Str("a\x80z")})), R"(["a\ufffdz"])");
  EXPECT_EQ(ValueString(Array({Str("\xe2\x82")})), R"(["\ufffd\ufffd"])");
  EXPECT_EQ(ValueString(Array({Str("\xc0\xaf")})), R"(["\ufffd\ufffd"])");
  EXPECT_EQ(ValueString(Array({Str("\xed\xa0\x80")})), R"(["\ufffd\ufffd\ufffd"])");
  // Top-level strings are verbatim, invalid bytes included.
  EXPECT_EQ(ValueString(Str("a\x80z")), "a\x80z");
}

TEST(ValueString, NonFiniteAnywhereInsideMakesTheWholeValueEmpty) {
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(ValueString(Array({Int(1), Dbl(nan)})), "");
  EXPECT_EQ(ValueString(Kv({{"a", Int(1)}, {"b", Array({Dbl(-inf)})}})), "");
  // A NaN under a key that a later duplicate replaces is gone before marshalling.
  EXPECT_EQ(ValueString(Kv({{"a", Dbl(nan)}, {"a", Int(1)}})), R"({"a":1})");
}

TEST(ValueString, AppendsToExistingContent) {
  std::string out = "prefix:";
  AppendValueString(Array({Dbl(std::nan(""))}), &out);
  EXPECT_EQ(out, "prefix:");
  AppendValueString(Int(7), &out);
  EXPECT_EQ(out, "prefix:7");
}

}  // namespace
}  // namespace ocelot::exporter::clickhouse
