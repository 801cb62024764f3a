#include "config/decoder.h"

#include <gtest/gtest.h>

#include "config/loader.h"

namespace ocelot::config {
namespace {

struct Sample {
  std::string path;
  int64_t size = 10;
  Duration timeout = std::chrono::seconds(1);
  bool enabled = false;
  std::vector<std::string> list;
  std::string endpoint = "localhost:1";
  int nested_max = 100;
};

std::vector<std::string> DecodeSample(const std::string& yaml, Sample* s) {
  auto node = ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok());
  Diagnostics diag;
  MapDecoder d(*node, "exporters::file", &diag);
  d.Field("path", &s->path);
  d.Field("size", &s->size);
  d.Field("timeout", &s->timeout);
  d.Field("enabled", &s->enabled);
  d.Field("list", &s->list);
  d.Endpoint("endpoint", &s->endpoint);
  d.Object("rotation", [&](MapDecoder& r) { r.Field("max_megabytes", &s->nested_max); });
  d.Finish();
  return diag.errors();
}

TEST(MapDecoder, DecodesTypedFieldsAndKeepsDefaults) {
  Sample s;
  auto errors = DecodeSample("path: /tmp/x\ntimeout: 1m30s\nlist: [a, b]\n", &s);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(s.path, "/tmp/x");
  EXPECT_EQ(s.timeout, std::chrono::seconds(90));
  EXPECT_EQ(s.size, 10);
  EXPECT_EQ(s.list, (std::vector<std::string>{"a", "b"}));
}

TEST(MapDecoder, UnknownKeySuggestsTheClosestName) {
  Sample s;
  auto errors = DecodeSample("pathh: /tmp/x\n", &s);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "c.yaml:1: exporters::file: unknown key \"pathh\" (did you mean \"path\"?)");
}

TEST(MapDecoder, UnknownKeyWithoutCloseMatchListsValidKeys) {
  Sample s;
  auto errors = DecodeSample("zzzzzzzz: 1\n", &s);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("unknown key \"zzzzzzzz\" (valid keys: "), std::string::npos);
}

TEST(MapDecoder, ReportsEveryErrorWithLineAndPath) {
  Sample s;
  auto errors = DecodeSample(
      "size: big\ntimeout: 10\nenabled: maybe\nendpoint: nohost\nrotation:\n  max_megabyte: 5\n",
      &s);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0], "c.yaml:1: exporters::file::size: expected an integer, got \"big\"");
  EXPECT_EQ(errors[1],
            "c.yaml:2: exporters::file::timeout: invalid duration \"10\": missing unit "
            "(examples: 200ms, 5s, 1m30s)");
  EXPECT_EQ(errors[2], "c.yaml:3: exporters::file::enabled: expected true or false, got \"maybe\"");
  EXPECT_EQ(errors[3].rfind("c.yaml:4: exporters::file::endpoint: invalid endpoint \"nohost\"", 0),
            0u);
  EXPECT_EQ(errors[4],
            "c.yaml:6: exporters::file::rotation: unknown key \"max_megabyte\" (did you mean "
            "\"max_megabytes\"?)");
}

TEST(MapDecoder, WrongShapeIsAnError) {
  Sample s;
  auto errors = DecodeSample("path: [a, b]\nrotation: 5\n", &s);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "c.yaml:1: exporters::file::path: expected a single value, got a list");
  EXPECT_EQ(errors[1],
            "c.yaml:2: exporters::file::rotation: expected a map of settings, got a scalar");
}

TEST(ClosestMatch, OnlySuggestsLikelyTypos) {
  EXPECT_EQ(ClosestMatch("exporter", {"exporters", "receivers"}), "exporters");
  EXPECT_EQ(ClosestMatch("xyz", {"exporters", "receivers"}), std::nullopt);
}

}  // namespace
}  // namespace ocelot::config
