#include "config/expand.h"

#include <gtest/gtest.h>

#include <map>

namespace ocelot::config {
namespace {

class ExpandTest : public ::testing::Test {
 protected:
  EnvLookup env = [this](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  std::map<std::string, std::string> vars = {{"HOME", "/home/me"}, {"PORT", "4317"}};
  std::vector<std::string> warnings;
  Location where{std::make_shared<const std::string>("c.yaml"), 7, 3};

  std::string Expand(std::string_view in) {
    auto out = ExpandString(in, where, env, &warnings);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : "";
  }
};

TEST_F(ExpandTest, EnvSchemeBracesAndBareNames) {
  EXPECT_EQ(Expand("${env:HOME}/x"), "/home/me/x");
  EXPECT_EQ(Expand("${HOME}/x"), "/home/me/x");
  EXPECT_EQ(Expand("$HOME/x"), "/home/me/x");
  EXPECT_EQ(Expand("localhost:${PORT}"), "localhost:4317");
  EXPECT_TRUE(warnings.empty());
}

TEST_F(ExpandTest, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(Expand("$$HOME"), "$HOME");
  EXPECT_EQ(Expand("a$$b"), "a$b");
}

TEST_F(ExpandTest, LoneDollarStaysLiteral) {
  EXPECT_EQ(Expand("cost: 5$"), "cost: 5$");
  EXPECT_EQ(Expand("^[0-9]$"), "^[0-9]$");
}

TEST_F(ExpandTest, UnsetVariableIsEmptyWithAWarningNamingIt) {
  EXPECT_EQ(Expand("x${env:NOPE}y"), "xy");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "c.yaml:7: environment variable \"NOPE\" is not set; it expands to an empty string");
}

TEST_F(ExpandTest, DefaultUsedOnlyWhenUnset) {
  EXPECT_EQ(Expand("${env:NOPE:-10}"), "10");
  EXPECT_EQ(Expand("${env:PORT:-10}"), "4317");
  EXPECT_EQ(Expand("${NOPE:-}"), "");
  EXPECT_TRUE(warnings.empty());
}

TEST_F(ExpandTest, ExpandedTextIsNotExpandedAgain) {
  vars["TRICKY"] = "$HOME";
  EXPECT_EQ(Expand("${TRICKY}"), "$HOME");
}

TEST_F(ExpandTest, UnterminatedBraceIsAnError) {
  auto out = ExpandString("${env:HOME", where, env, &warnings);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "c.yaml:7: unterminated \"${\" in \"${env:HOME\"");
}

TEST_F(ExpandTest, UnsupportedSchemeIsAnError) {
  auto out = ExpandString("${file:/etc/passwd}", where, env, &warnings);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("unsupported config source \"${file:...}\""),
            std::string::npos);
}

TEST_F(ExpandTest, TreeExpandsValuesNotKeys) {
  Node root = Node::Map(where);
  root.mutable_entries().push_back({"$HOME", where, Node::Scalar("$HOME", where)});
  ASSERT_TRUE(ExpandTree(&root, env, &warnings).ok());
  EXPECT_EQ(root.entries()[0].key, "$HOME");
  EXPECT_EQ(root.entries()[0].value.scalar(), "/home/me");
}

}  // namespace
}  // namespace ocelot::config
