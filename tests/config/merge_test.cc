#include "config/merge.h"

#include <gtest/gtest.h>

#include "config/loader.h"
#include "config/printer.h"

namespace ocelot::config {
namespace {

Node Yaml(const std::string& text, const std::string& name = "t.yaml") {
  auto n = ParseYaml(text, name);
  EXPECT_TRUE(n.ok()) << n.status();
  return *n;
}

TEST(Merge, MapsMergeAndLaterScalarsWin) {
  Node base = Yaml("a: {x: 1, y: 2}\nb: keep\n");
  Merge(&base, Yaml("a: {y: 3, z: 4}\n"));
  EXPECT_EQ(PrintYaml(base), "a:\n  x: 1\n  y: 3\n  z: 4\nb: keep\n");
}

TEST(Merge, LaterListsReplaceEarlierLists) {
  Node base = Yaml("l: [a, b, c]\n");
  Merge(&base, Yaml("l: [d]\n"));
  EXPECT_EQ(PrintYaml(base), "l:\n  - d\n");
}

TEST(Merge, MergedValuesKeepTheirOwnFileAndLine) {
  Node base = Yaml("a:\n  x: 1\n", "base.yaml");
  Merge(&base, Yaml("\n\na:\n  y: 2\n", "over.yaml"));
  EXPECT_EQ(base.Find("a")->Find("x")->location().ToString(), "base.yaml:2");
  EXPECT_EQ(base.Find("a")->Find("y")->location().ToString(), "over.yaml:4");
}

TEST(ApplySet, SetsANestedScalar) {
  Node base = Yaml("processors: {batch: {timeout: 1s}}\n");
  ASSERT_TRUE(ApplySet(&base, "processors::batch::timeout=5s").ok());
  ASSERT_TRUE(ApplySet(&base, "processors::batch::send_batch_size=10").ok());
  EXPECT_EQ(PrintYaml(base), "processors:\n  batch:\n    timeout: 5s\n    send_batch_size: 10\n");
}

TEST(ApplySet, ParsesListValues) {
  Node base = Yaml("service: {pipelines: {traces: {exporters: [a]}}}\n");
  ASSERT_TRUE(ApplySet(&base, "service::pipelines::traces::exporters=[b, c]").ok());
  const Node* list = base.Find("service")->Find("pipelines")->Find("traces")->Find("exporters");
  ASSERT_TRUE(list->is_sequence());
  EXPECT_EQ(list->items().size(), 2u);
}

TEST(ApplySet, RejectsMissingEquals) {
  Node base = Yaml("a: 1\n");
  absl::Status s = ApplySet(&base, "processors::batch::timeout");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("expected key::path=value"), std::string::npos);
}

TEST(Loader, InvalidYamlNamesFileAndLine) {
  auto n = ParseYaml("a: 1\nb: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message().rfind("bad.yaml:", 0), 0u) << n.status();
  EXPECT_NE(n.status().message().find("invalid YAML"), std::string::npos);
}

TEST(Loader, MissingFileIsAClearError) {
  auto n = LoadYamlFile("/nonexistent/ocelot.yaml");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(), "/nonexistent/ocelot.yaml: cannot read config file");
}

TEST(Printer, RedactsSecretLookingValues) {
  Node n = Yaml(
      "exporters:\n  clickhouse:\n    username: u\n    password: hunter2\n"
      "  datadog:\n    api: {key: abc, site: datadoghq.com}\n"
      "  otlp:\n    headers: {authorization: Bearer x, signoz-ingestion-key: k, x-team: t}\n"
      "  other: {token: t, client_secret: s, empty_password: ''}\n");
  std::string out = PrintYaml(n);
  for (const char* secret : {"hunter2", "abc", "Bearer x", ": k", "t, ", "s}"}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << secret << " leaked in:\n" << out;
  }
  EXPECT_NE(out.find("username: u"), std::string::npos);
  EXPECT_NE(out.find("site: datadoghq.com"), std::string::npos);
  EXPECT_NE(out.find("x-team: t"), std::string::npos);
  EXPECT_NE(out.find("password: \"[REDACTED]\""), std::string::npos) << out;
}

TEST(Printer, RedactsPasswordsInsideUrls) {
  Node n = Yaml(
      "exporters:\n  clickhouse:\n    endpoint: http://otel:hunter2@ch:8123/db?x=1\n"
      "  otlphttp:\n    endpoint: https://user@host:4318\n"
      "  file: {path: /tmp/a:b@c}\n");
  std::string out = PrintYaml(n);
  EXPECT_EQ(out.find("hunter2"), std::string::npos) << out;
  EXPECT_NE(out.find("http://otel:[REDACTED]@ch:8123/db?x=1"), std::string::npos) << out;
  EXPECT_NE(out.find("https://user@host:4318"), std::string::npos) << out;  // no password
  EXPECT_NE(out.find("/tmp/a:b@c"), std::string::npos) << out;              // not a URL
}

}  // namespace
}  // namespace ocelot::config
