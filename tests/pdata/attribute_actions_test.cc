// The shared attribute-action engine: each action's semantics as otelcol 0.96's attraction
// package has them, YAML value typing, and strict decoding with located errors.
#include "pdata/attribute_actions.h"

#include <gtest/gtest.h>

#include "config/expand.h"
#include "config/loader.h"

namespace ocelot::pdata {
namespace {

struct Decoded {
  std::vector<AttributeActionConfig> specs;
  std::vector<std::string> errors;
};

Decoded Decode(const std::string& yaml, const config::EnvLookup& env = nullptr) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok()) << node.status();
  if (env) {
    std::vector<std::string> warnings;
    EXPECT_TRUE(config::ExpandTree(&*node, env, &warnings).ok());
  }
  config::Diagnostics diag;
  config::MapDecoder d(*node, "processors::resource", &diag);
  Decoded out;
  DecodeAttributeActions(d, "attributes", &out.specs);
  d.Finish();
  out.errors = diag.errors();
  return out;
}

AttributeActions CompileOrDie(const std::string& yaml) {
  Decoded d = Decode(yaml);
  EXPECT_TRUE(d.errors.empty()) << d.errors[0];
  auto actions = AttributeActions::Compile(d.specs);
  EXPECT_TRUE(actions.ok()) << actions.status();
  return std::move(*actions);
}

void Put(Attributes* attrs, const std::string& key, const std::string& value) {
  KeyValue* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}
void PutInt(Attributes* attrs, const std::string& key, int64_t value) {
  KeyValue* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_int_value(value);
}

std::vector<std::string> Keys(const Attributes& attrs) {
  std::vector<std::string> out;
  for (const KeyValue& kv : attrs) out.push_back(kv.key());
  return out;
}

const AnyValue& Get(const Attributes& attrs, const std::string& key) {
  const KeyValue* kv = FindAttribute(attrs, key);
  static const AnyValue kMissing;
  EXPECT_NE(kv, nullptr) << key;
  return kv ? kv->value() : kMissing;
}

TEST(Sha1, MatchesTheStandardTestVectors) {
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(Sha1Hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(AttributeActions, InsertAddsOnlyMissingKeys) {
  auto actions = CompileOrDie(
      "attributes:\n"
      "  - {key: env, value: prod, action: insert}\n"
      "  - {key: region, value: eu, action: INSERT}\n");
  Attributes attrs;
  Put(&attrs, "env", "dev");
  actions.Apply(&attrs);
  EXPECT_EQ(Get(attrs, "env").string_value(), "dev");
  EXPECT_EQ(Get(attrs, "region").string_value(), "eu");
}

TEST(AttributeActions, UpdateChangesOnlyExistingKeys) {
  auto actions = CompileOrDie("attributes: [{key: env, value: 42, action: update}]\n");
  Attributes present, absent;
  Put(&present, "env", "dev");
  actions.Apply(&present);
  actions.Apply(&absent);
  EXPECT_EQ(Get(present, "env").int_value(), 42);
  EXPECT_EQ(absent.size(), 0);
}

TEST(AttributeActions, UpsertInsertsOrUpdates) {
  auto actions = CompileOrDie("attributes: [{key: env, value: prod, action: upsert}]\n");
  Attributes present, absent;
  Put(&present, "env", "dev");
  actions.Apply(&present);
  actions.Apply(&absent);
  EXPECT_EQ(Get(present, "env").string_value(), "prod");
  EXPECT_EQ(present.size(), 1);
  EXPECT_EQ(Get(absent, "env").string_value(), "prod");
}

TEST(AttributeActions, FromAttributeCopiesTheTypedValueAndSkipsWhenTheSourceIsMissing) {
  auto actions = CompileOrDie(
      "attributes:\n"
      "  - {key: copy, from_attribute: src, action: upsert}\n"
      "  - {key: other, from_attribute: nope, action: upsert}\n");
  Attributes attrs;
  PutInt(&attrs, "src", 7);
  actions.Apply(&attrs);
  EXPECT_EQ(Get(attrs, "copy").int_value(), 7);
  EXPECT_EQ(FindAttribute(attrs, "other"), nullptr);
}

TEST(AttributeActions, FromContextIsTreatedAsAbsent) {
  auto actions = CompileOrDie(
      "attributes: [{key: tenant, from_context: metadata.x-tenant, action: upsert}]\n");
  Attributes attrs;
  actions.Apply(&attrs);
  EXPECT_EQ(attrs.size(), 0);
}

TEST(AttributeActions, DeleteByKeyAndPatternMovesTheLastAttributeIntoTheGapAsGoDoes) {
  auto actions = CompileOrDie(
      "attributes:\n"
      "  - {key: a, action: delete}\n"
      "  - {pattern: '^secret\\.', action: delete}\n");
  Attributes attrs;
  Put(&attrs, "a", "1");
  Put(&attrs, "b", "2");
  Put(&attrs, "secret.x", "3");
  Put(&attrs, "c", "4");
  Put(&attrs, "secret.y", "5");
  actions.Apply(&attrs);
  EXPECT_EQ(Keys(attrs), (std::vector<std::string>{"c", "b"}));
}

TEST(AttributeActions, HashWritesSha1HexOfTheValueBytes) {
  auto actions = CompileOrDie(
      "attributes:\n"
      "  - {key: user, action: hash}\n"
      "  - {key: n, action: hash}\n"
      "  - {key: empty, action: hash}\n");
  Attributes attrs;
  Put(&attrs, "user", "foo");
  PutInt(&attrs, "n", 1);
  Put(&attrs, "empty", "");
  actions.Apply(&attrs);
  EXPECT_EQ(Get(attrs, "user").string_value(), "0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33");
  // Integers hash their 8 little-endian bytes.
  EXPECT_EQ(Get(attrs, "n").string_value(), Sha1Hex(std::string("\x01\0\0\0\0\0\0\0", 8)));
  EXPECT_EQ(Get(attrs, "empty").string_value(), "");
}

TEST(AttributeActions, ExtractPutsNamedGroupsAsStringAttributes) {
  auto actions = CompileOrDie(
      "attributes:\n"
      "  - key: http.url\n"
      "    pattern: ^/api/v1/document/(?P<documentId>.*)/update(?P<suffix>/x)?$\n"
      "    action: extract\n");
  Attributes attrs, no_match;
  Put(&attrs, "http.url", "/api/v1/document/12345678/update");
  Put(&no_match, "http.url", "/other");
  actions.Apply(&attrs);
  actions.Apply(&no_match);
  EXPECT_EQ(Get(attrs, "documentId").string_value(), "12345678");
  EXPECT_EQ(Get(attrs, "suffix").string_value(), "");  // unmatched optional group: ""
  EXPECT_EQ(Get(attrs, "http.url").string_value(), "/api/v1/document/12345678/update");
  EXPECT_EQ(no_match.size(), 1);
}

TEST(AttributeActions, ConvertChangesTypesLikeGoAndLeavesUnconvertibleValues) {
  auto actions = CompileOrDie(
      "attributes:\n"
      "  - {key: i, action: convert, converted_type: int}\n"
      "  - {key: bad, action: convert, converted_type: int}\n"
      "  - {key: d, action: convert, converted_type: int}\n"
      "  - {key: f, action: convert, converted_type: double}\n"
      "  - {key: s1, action: convert, converted_type: string}\n"
      "  - {key: s2, action: convert, converted_type: string}\n"
      "  - {key: s3, action: convert, converted_type: string}\n");
  Attributes attrs;
  Put(&attrs, "i", "123");
  Put(&attrs, "bad", "12x");
  attrs.Add()->set_key("d");
  attrs.rbegin()->mutable_value()->set_double_value(3.9);
  Put(&attrs, "f", "2.5");
  attrs.Add()->set_key("s1");
  attrs.rbegin()->mutable_value()->set_double_value(0.1);
  attrs.Add()->set_key("s2");
  attrs.rbegin()->mutable_value()->set_double_value(1e21);
  attrs.Add()->set_key("s3");
  attrs.rbegin()->mutable_value()->set_bool_value(true);
  actions.Apply(&attrs);
  EXPECT_EQ(Get(attrs, "i").int_value(), 123);
  EXPECT_EQ(Get(attrs, "bad").string_value(), "12x");
  EXPECT_EQ(Get(attrs, "d").int_value(), 3);
  EXPECT_EQ(Get(attrs, "f").double_value(), 2.5);
  EXPECT_EQ(Get(attrs, "s1").string_value(), "0.1");
  EXPECT_EQ(Get(attrs, "s2").string_value(), "1e+21");
  EXPECT_EQ(Get(attrs, "s3").string_value(), "true");
}

TEST(AttributeActions, ActionsRunInOrder) {
  auto actions = CompileOrDie(
      "attributes:\n"
      "  - {key: a, value: x, action: insert}\n"
      "  - {key: b, from_attribute: a, action: insert}\n"
      "  - {key: a, action: delete}\n");
  Attributes attrs;
  actions.Apply(&attrs);
  EXPECT_EQ(Keys(attrs), std::vector<std::string>{"b"});
  EXPECT_EQ(Get(attrs, "b").string_value(), "x");
}

TEST(AttributeActionsDecode, ValuesAreTypedAsYamlTypesThem) {
  Decoded d = Decode(
      "attributes:\n"
      "  - {key: a, value: 123, action: insert}\n"
      "  - {key: b, value: '123', action: insert}\n"
      "  - {key: c, value: 1.5, action: insert}\n"
      "  - {key: d, value: true, action: insert}\n"
      "  - {key: e, value: 0x10, action: insert}\n"
      "  - {key: f, value: [x, 2], action: insert}\n"
      "  - {key: g, value: yes, action: insert}\n");
  ASSERT_TRUE(d.errors.empty()) << d.errors[0];
  ASSERT_EQ(d.specs.size(), 7u);
  EXPECT_EQ(d.specs[0].value->int_value(), 123);
  EXPECT_EQ(d.specs[1].value->string_value(), "123");
  EXPECT_EQ(d.specs[2].value->double_value(), 1.5);
  EXPECT_TRUE(d.specs[3].value->bool_value());
  EXPECT_EQ(d.specs[4].value->int_value(), 16);
  ASSERT_EQ(d.specs[5].value->array_value().values_size(), 2);
  EXPECT_EQ(d.specs[5].value->array_value().values(1).int_value(), 2);
  EXPECT_EQ(d.specs[6].value->string_value(), "yes");  // YAML 1.2: not a bool
}

TEST(AttributeActionsDecode, AnUnsetEnvironmentVariableIsUpsertedAsAnEmptyString) {
  auto unset = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  Decoded d = Decode(
      "attributes:\n"
      "  - key: environment\n"
      "    value: ${env:LETTA_ENVIRONMENT}\n"
      "    action: upsert\n",
      unset);
  ASSERT_TRUE(d.errors.empty()) << d.errors[0];
  auto actions = AttributeActions::Compile(d.specs);
  ASSERT_TRUE(actions.ok()) << actions.status();
  Attributes attrs;
  Put(&attrs, "environment", "stale");
  actions->Apply(&attrs);
  ASSERT_EQ(attrs.size(), 1);
  EXPECT_EQ(attrs[0].value().value_case(), AnyValue::kStringValue);
  EXPECT_EQ(attrs[0].value().string_value(), "");
}

TEST(AttributeActionsDecode, ANullValueIsMissing) {
  Decoded d = Decode(
      "attributes:\n"
      "  - key: environment\n"
      "    value:\n"
      "    action: upsert\n");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0],
            "c.yaml:2: processors::resource::attributes[0]: either field \"value\", "
            "\"from_attribute\" or \"from_context\" must be set for action \"upsert\"");
}

TEST(AttributeActionsDecode, ReportsEachProblemAtItsKey) {
  Decoded d = Decode(
      "attributes:\n"
      "  - key: a\n"
      "    value: 1\n"
      "    action: upsrt\n"
      "  - key: b\n"
      "    valu: 1\n"
      "    action: insert\n"
      "  - key: c\n"
      "    pattern: (\\d+)\n"
      "    action: extract\n"
      "  - key: d\n"
      "    action: convert\n"
      "    converted_type: float\n"
      "  - action: hash\n"
      "  - key: e\n"
      "    value: 1\n"
      "    from_attribute: f\n"
      "    action: insert\n");
  ASSERT_EQ(d.errors.size(), 7u) << ::testing::PrintToString(d.errors);
  EXPECT_EQ(d.errors[0],
            "c.yaml:4: processors::resource::attributes[0]::action: unsupported action \"upsrt\" "
            "(allowed: insert, update, upsert, delete, hash, extract, convert)");
  EXPECT_EQ(d.errors[1],
            "c.yaml:6: processors::resource::attributes[1]: unknown key \"valu\" (did you mean "
            "\"value\"?)");
  EXPECT_EQ(d.errors[2],
            "c.yaml:5: processors::resource::attributes[1]: either field \"value\", "
            "\"from_attribute\" or \"from_context\" must be set for action \"insert\"");
  EXPECT_EQ(d.errors[3],
            "c.yaml:9: processors::resource::attributes[2]::pattern: pattern \"(\\d+)\" contains "
            "at least one unnamed matcher group (every group names the attribute it extracts "
            "to: (?P<name>...))");
  EXPECT_EQ(d.errors[4],
            "c.yaml:13: processors::resource::attributes[3]::converted_type: invalid value "
            "\"float\" (allowed: int, double, string)");
  EXPECT_EQ(d.errors[5],
            "c.yaml:14: processors::resource::attributes[4]: missing required field (at least one "
            "of \"key\" and \"pattern\" have to be used)");
  EXPECT_EQ(d.errors[6],
            "c.yaml:15: processors::resource::attributes[5]: only one of \"value\", "
            "\"from_attribute\" and \"from_context\" may be set");
}

TEST(AttributeActionsDecode, AnEmptyListItemIsAnError) {
  Decoded d = Decode("attributes:\n  -\n");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_NE(d.errors[0].find("processors::resource::attributes[0]: empty action"),
            std::string::npos)
      << d.errors[0];
}

TEST(AttributeActionsDecode, AnInvalidRegexIsAnError) {
  Decoded d = Decode("attributes: [{pattern: 'a(', action: delete}]\n");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_NE(d.errors[0].find("attributes[0]::pattern: invalid pattern \"a(\": missing )"),
            std::string::npos)
      << d.errors[0];
}

TEST(AnyValueAsString, FormatsAsGoDoes) {
  AnyValue v;
  v.set_double_value(1e-7);
  EXPECT_EQ(AnyValueAsString(v), "1e-7");
  v.set_double_value(123456.5);
  EXPECT_EQ(AnyValueAsString(v), "123456.5");
  v.set_int_value(-3);
  EXPECT_EQ(AnyValueAsString(v), "-3");
  v.set_bytes_value("hi!");
  EXPECT_EQ(AnyValueAsString(v), "aGkh");
  auto* list = v.mutable_kvlist_value();
  auto* b = list->add_values();
  b->set_key("b");
  b->mutable_value()->set_string_value("<x>");
  auto* a = list->add_values();
  a->set_key("a");
  a->mutable_value()->set_bool_value(false);
  EXPECT_EQ(AnyValueAsString(v), "{\"a\":false,\"b\":\"\\u003cx\\u003e\"}");
}

}  // namespace
}  // namespace ocelot::pdata
