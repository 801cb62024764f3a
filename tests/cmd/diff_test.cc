// The configuration diff: the tree walk, the aspect summary, and `ocelot diff` on the
// development and production profiles compared with golden files (.reference, exact).
#include "cmd/ocelot/diff.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "cmd/ocelot/diff_command.h"
#include "config/loader.h"
#include "testing/temp_dir.h"

namespace ocelot::cmd {
namespace {

config::Node Yaml(const std::string& text, const std::string& name = "t.yaml") {
  auto n = config::ParseYaml(text, name);
  EXPECT_TRUE(n.ok()) << n.status();
  return n.ok() ? *n : config::Node();
}

std::string Show(const std::vector<Difference>& diffs) {
  std::string out;
  for (const Difference& d : diffs) {
    const char* sign = d.kind == Difference::Kind::kChanged    ? "~"
                       : d.kind == Difference::Kind::kOnlyLeft ? "-"
                                                               : "+";
    out += std::string(sign) + " " + d.path + " " + d.left + "|" + d.right + "\n";
  }
  return out;
}

TEST(DiffTrees, SameTreesHaveNoDifferences) {
  config::Node a = Yaml("a: {b: 1, c: [x, y]}\n");
  EXPECT_TRUE(DiffTrees(a, a).empty());
}

TEST(DiffTrees, ChangedScalarsAndScalarListsByPath) {
  auto d = DiffTrees(Yaml("processors: {batch: {timeout: 1s}}\nlist: [a, b]\n"),
                     Yaml("processors: {batch: {timeout: 10s}}\nlist: [b, a]\n"));
  EXPECT_EQ(Show(d), "~ processors::batch::timeout 1s|10s\n~ list [a, b]|[b, a]\n");
  EXPECT_EQ(d[0].left_location.line, 1);
}

TEST(DiffTrees, OneSidedSubtreesAreListedLeafByLeaf) {
  auto d = DiffTrees(Yaml("a: {x: 1}\n"), Yaml("a: {x: 1}\nb: {c: 2, d: {e: 3}}\nf: {}\n"));
  EXPECT_EQ(Show(d), "+ b::c |2\n+ b::d::e |3\n+ f |{}\n");
  d = DiffTrees(Yaml("a: {x: 1, y: 2}\n"), Yaml("a: {x: 1}\n"));
  EXPECT_EQ(Show(d), "- a::y 2|\n");
}

TEST(DiffTrees, ListsOfMapsCompareItemByItem) {
  auto d =
      DiffTrees(Yaml("ops: [{type: a, on: x}]\n"), Yaml("ops: [{type: a, on: y}, {type: b}]\n"));
  EXPECT_EQ(Show(d), "~ ops[0]::on x|y\n+ ops[1]::type |b\n");
}

TEST(DiffTrees, NullAndMapDifferOnlyByTheMapsKeys) {
  auto d = DiffTrees(Yaml("ext:\n  health_check:\n"),
                     Yaml("ext:\n  health_check:\n    endpoint: localhost:13133\n"));
  EXPECT_EQ(Show(d), "+ ext::health_check::endpoint |localhost:13133\n");
}

TEST(DiffTrees, ShapeChangesShowBothValues) {
  auto d = DiffTrees(Yaml("a: 1\n"), Yaml("a: {b: 2}\n"));
  EXPECT_EQ(Show(d), "~ a 1|{b: 2}\n");
}

TEST(DiffTrees, SecretsAreComparedButNeverShown) {
  auto d = DiffTrees(Yaml("e: {password: one, api: {key: k1}, h: {authorization: a}}\n"),
                     Yaml("e: {password: two, api: {key: k1}, h: {}}\n"));
  EXPECT_EQ(Show(d), "~ e::password [REDACTED]|[REDACTED]\n- e::h::authorization [REDACTED]|\n");
  // An empty secret is shown as empty: that it is unset is worth seeing.
  d = DiffTrees(Yaml("e: {password: \"\"}\n"), Yaml("e: {password: x}\n"));
  EXPECT_EQ(Show(d), "~ e::password \"\"|[REDACTED]\n");
  // An attribute action's "key" is a name, not a secret.
  d = DiffTrees(Yaml("a: [{key: env, action: upsert}]\n"),
                Yaml("a: [{key: tier, action: upsert}]\n"));
  EXPECT_EQ(Show(d), "~ a[0]::key env|tier\n");
}

std::string Rows(const config::Node& l, const config::Node& r) {
  std::string out;
  for (const AspectRow& row : CompareAspects(l, r)) {
    out += row.aspect + ": " + row.left + " | " + row.right + "\n";
  }
  return out;
}

TEST(CompareAspects, EmptyConfigurationsNameEachAspectsAbsence) {
  EXPECT_EQ(Rows(config::Node::Map({}), config::Node::Map({})),
            "Batch timeout: no batch processor | no batch processor\n"
            "Batch size: no batch processor | no batch processor\n"
            "Memory limit: not configured | not configured\n"
            "Extensions: none | none\n"
            "Log processing: no logs pipeline | no logs pipeline\n"
            "Sampling: everything kept (no sampler) | everything kept (no sampler)\n"
            "Retention: not limited by the collector | not limited by the collector\n"
            "Sending queue: no queued exporters | no queued exporters\n");
}

TEST(CompareAspects, DefaultsAndSeveralComponents) {
  config::Node l = Yaml(
      "processors:\n"
      "  batch:\n"
      "  memory_limiter: {limit_percentage: 80, spike_limit_percentage: 20}\n"
      "  probabilistic_sampler/a: {sampling_percentage: 5}\n"
      "exporters:\n"
      "  file/a: {path: a, rotation: {max_days: 3}}\n"
      "  file/b: {path: b}\n"
      "  clickhouse: {ttl_days: 2, sending_queue: {enabled: false}}\n"
      "  otlp: {}\n"
      "service:\n"
      "  pipelines:\n"
      "    traces: {receivers: [otlp], processors: [probabilistic_sampler/a], exporters: [otlp]}\n"
      "    logs: {receivers: [otlp], processors: [probabilistic_sampler/a], exporters: []}\n"
      "    logs/2: {receivers: [filelog], exporters: [file/a]}\n");
  config::Node r = Yaml("processors: {batch: {timeout: 2s}, batch/2: {send_batch_size: 5}}\n");
  EXPECT_EQ(Rows(l, r),
            "Batch timeout: 200ms (default) | batch: 2s; batch/2: 200ms (default)\n"
            "Batch size: 8192 (default) | batch: 8192 (default); batch/2: 5\n"
            "Memory limit: 80% of memory (spike 20%) | not configured\n"
            "Exporters (traces): otlp | no traces pipeline\n"
            "Exporters (logs): none | no logs pipeline\n"
            "Exporters (logs/2): file/a | no logs/2 pipeline\n"
            "Extensions: none | none\n"
            "Log processing: logs: otlp; logs/2: filelog | no logs pipeline\n"
            "Sampling: 5% of traces, logs | everything kept (no sampler)\n"
            "Retention: files file/a: 3 days; file/b: not rotated; ClickHouse TTL 2 days | not "
            "limited by the collector\n"
            "Sending queue: disabled: clickhouse; memory: otlp | no queued exporters\n");
}

std::string Golden(const std::string& name) {
  return std::string(OCELOT_SOURCE_DIR) + "/tests/cmd/" + name + ".reference";
}

// Runs `ocelot diff` in-process from the source directory with no variable set, so the output
// does not depend on the machine. OCELOT_UPDATE_GOLDEN=1 rewrites the reference instead.
void ExpectGolden(Options options, const std::string& name) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(chdir(OCELOT_SOURCE_DIR), 0);
  std::ostringstream out, err;
  config::EnvLookup none = [](const std::string&) { return std::nullopt; };
  int status = DiffCommand(options, none, out, err);
  ASSERT_EQ(chdir(cwd), 0);
  EXPECT_EQ(status, 1) << err.str();
  // The only variable the profiles use without a default is production's Datadog key.
  EXPECT_EQ(err.str(),
            "warning: configs/production.yaml:72: environment variable \"DD_API_KEY\" is not set; "
            "it expands to an empty string\n");
  if (getenv("OCELOT_UPDATE_GOLDEN")) {
    std::ofstream(Golden(name)) << out.str();
    return;
  }
  EXPECT_EQ(out.str(), testing::ReadFile(Golden(name)));
}

TEST(DiffCommand, DevelopmentVersusProductionMatchesTheReference) {
  Options o;
  o.args = {"configs/development.yaml", "configs/production.yaml"};
  ExpectGolden(o, "diff_development_production");
}

TEST(DiffCommand, DevelopmentVersusProductionJsonMatchesTheReference) {
  Options o;
  o.left = {"configs/development.yaml"};
  o.right = {"configs/production.yaml"};
  o.json = true;
  ExpectGolden(o, "diff_development_production_json");
}

TEST(DiffCommand, AnOverrideFileOnOneSideIsMergedFirst) {
  testing::TempDir dir;
  std::ofstream(dir / "override.yaml") << "processors:\n  batch:\n    timeout: 10s\n";
  Options o;
  o.left = {std::string(OCELOT_SOURCE_DIR) + "/configs/file.yaml"};
  o.right = {std::string(OCELOT_SOURCE_DIR) + "/configs/file.yaml", dir / "override.yaml"};
  std::ostringstream out, err;
  config::EnvLookup none = [](const std::string&) { return std::nullopt; };
  EXPECT_EQ(DiffCommand(o, none, out, err), 1) << err.str();
  EXPECT_NE(out.str().find("ocelot diff: file vs file+override\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("| Batch timeout | 1s   | 10s           |\n"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("\n~ processors::batch::timeout: 1s -> 10s\n"), std::string::npos);
}

TEST(DiffCommand, SameConfigurationExitsZero) {
  Options o;
  std::string f = std::string(OCELOT_SOURCE_DIR) + "/configs/file.yaml";
  o.args = {f, f};
  std::ostringstream out, err;
  config::EnvLookup none = [](const std::string&) { return std::nullopt; };
  EXPECT_EQ(DiffCommand(o, none, out, err), 0);
  EXPECT_NE(out.str().find("The effective configurations are the same."), std::string::npos);
  EXPECT_NE(out.str().find("ocelot diff: left vs right"), std::string::npos) << out.str();
}

TEST(DiffCommand, NeedsTwoSides) {
  Options o;
  o.args = {"only-one.yaml"};
  std::ostringstream out, err;
  EXPECT_EQ(DiffCommand(o, config::ProcessEnvironment(), out, err), 2);
  EXPECT_NE(err.str().find("needs two configurations"), std::string::npos);
  o.args = {"/nonexistent/a.yaml", "/nonexistent/b.yaml"};
  err.str("");
  EXPECT_EQ(DiffCommand(o, config::ProcessEnvironment(), out, err), 2);
  EXPECT_NE(err.str().find("/nonexistent/a.yaml"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace ocelot::cmd
