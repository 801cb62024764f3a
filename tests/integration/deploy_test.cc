// The deployment files (configs/, deploy/) checked against each other and against the real
// binary: every profile validates apart from components not built yet, start.sh selects,
// validates and refuses as documented, and the Dockerfile and compose files (which cannot run
// here) parse and name only paths, variables and ports that exist and agree with the profiles.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "cmd/ocelot/diff.h"
#include "cmd/ocelot/select.h"
#include "config/resolve.h"
#include "config/values.h"
#include "testing/temp_dir.h"

namespace ocelot::testing {
namespace {

namespace fs = std::filesystem;
using Env = std::map<std::string, std::string>;

const std::string kSource = OCELOT_SOURCE_DIR;
const std::string kBinary = OCELOT_BINARY;
const std::vector<std::string> kProfiles = {"development", "staging", "production", "file",
                                            "gateway"};

std::string Profile(const std::string& name) { return kSource + "/configs/" + name + ".yaml"; }

// ---- running a program with exactly the environment given (nothing inherited) ----

struct Result {
  int status = -1;
  std::string out, err;
};

Result RunProgram(const std::vector<std::string>& args, const Env& env) {
  TempDir dir;
  std::vector<std::string> argv_s = args;
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = {"PATH=/usr/bin:/bin"};
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, (dir / "out").c_str(), O_WRONLY | O_CREAT, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (dir / "err").c_str(), O_WRONLY | O_CREAT, 0644);
  pid_t pid = -1;
  Result r;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return r;
  int status = 0;
  // These programs only validate and print; CTest's timeout catches a hang.
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r.status = WEXITSTATUS(status);
  r.out = ReadFile(dir / "out");
  r.err = ReadFile(dir / "err");
  return r;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

config::EnvLookup Lookup(const Env& env) {
  return [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

config::Resolved ResolveProfile(const std::string& name, const Env& env) {
  auto r = config::Resolve({{Profile(name), ""}}, {}, Lookup(env));
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : config::Resolved{};
}

std::string PinnedVersion() {
  std::smatch m;
  std::string text = ReadFile(kSource + "/deploy/VERSION");
  if (!std::regex_search(text, m, std::regex("(^|\n)OCELOT_VERSION=([^\n]+)"))) return "";
  return m[2];
}

int PortOf(const std::string& endpoint) {
  auto hp = config::ParseEndpoint(endpoint);
  return hp.ok() ? hp->port : -1;
}

// Every listening endpoint of the OTLP receiver, as resolved.
std::vector<std::string> OtlpEndpoints(const config::Node& root) {
  std::vector<std::string> out;
  const config::Node* protocols = root.Find("receivers");
  if (protocols) protocols = protocols->Find("otlp");
  if (protocols) protocols = protocols->Find("protocols");
  if (protocols == nullptr) return out;
  for (const char* p : {"grpc", "http"}) {
    const config::Node* e = protocols->Find(p);
    if (e && e->Find("endpoint")) out.push_back(e->Find("endpoint")->scalar());
  }
  return out;
}

const config::Node* At(const config::Node& root, std::initializer_list<std::string_view> keys) {
  const config::Node* n = &root;
  for (std::string_view k : keys) {
    if ((n = n->Find(k)) == nullptr) return nullptr;
  }
  return n;
}

// ---- the profiles ----

TEST(Profiles, TheDirectoryHoldsExactlyTheFiveProfiles) {
  std::set<std::string> found;
  for (const auto& e : fs::directory_iterator(kSource + "/configs")) {
    found.insert(e.path().filename().string());
  }
  std::set<std::string> expected;
  for (const auto& p : kProfiles) expected.insert(p + ".yaml");
  EXPECT_EQ(found, expected);
}

// With no variable set, `ocelot validate` reports nothing but components that later versions
// build; so this keeps passing as they land, and fails on any real mistake in a profile.
TEST(Profiles, ValidateWithNoVariablesReportsOnlyComponentsNotBuiltYet) {
  for (const std::string& name : kProfiles) {
    Result r = RunProgram({kBinary, "validate", "--config", Profile(name)}, {});
    ASSERT_TRUE(r.status == 0 || r.status == 1) << name << r.err;
    int errors = 0;
    for (const std::string& line : Lines(r.err)) {
      if (line.rfind("warning: ", 0) == 0) {
        // A secret has no safe default; production's Datadog key is the one variable a
        // profile needs without one (and `ocelot select` says so).
        EXPECT_TRUE(name == "production" && Contains(line, "\"DD_API_KEY\" is not set"))
            << name << ": " << line;
      } else if (line.rfind("  ", 0) == 0) {
        ++errors;
        EXPECT_TRUE(Contains(line, "is not built into this ocelot version yet"))
            << name << ": " << line;
      } else {
        EXPECT_EQ(line.rfind("invalid configuration (", 0), 0u) << name << ": " << line;
      }
    }
    EXPECT_EQ(r.status == 1, errors > 0) << name << r.err;
  }
}

TEST(Profiles, FileOnlyAlwaysStartsBecauseItUsesOnlyBuiltInComponents) {
  Result r = RunProgram({kBinary, "validate", "--config", Profile("file")}, {});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

// What differs between development, staging and production is a component's presence or a
// value from ${env:NAME:-default}, the same NAME in each; never a literal edited per file.
TEST(Profiles, EnvironmentDifferencesAreVariablesWithTheSameName) {
  std::regex variable(R"(\$\{env:([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\})");
  const std::vector<std::string> environments = {"development", "staging", "production"};
  for (size_t i = 0; i < environments.size(); ++i) {
    for (size_t j = i + 1; j < environments.size(); ++j) {
      auto a = ResolveProfile(environments[i], {});
      auto b = ResolveProfile(environments[j], {});
      for (const cmd::Difference& d : cmd::DiffTrees(a.unexpanded, b.unexpanded)) {
        if (d.kind != cmd::Difference::Kind::kChanged || d.left.starts_with("[") ||
            d.path.starts_with("service::pipelines") || d.path == "service::extensions") {
          continue;  // presence and pipeline wiring are structure, not values
        }
        std::smatch ml, mr;
        ASSERT_TRUE(std::regex_search(d.left, ml, variable))
            << environments[i] << " vs " << environments[j] << ": " << d.path << " = " << d.left;
        ASSERT_TRUE(std::regex_search(d.right, mr, variable))
            << environments[i] << " vs " << environments[j] << ": " << d.path << " = " << d.right;
        EXPECT_EQ(ml[1], mr[1]) << d.path;
      }
    }
  }
}

TEST(Profiles, SeedDifferencesHoldAsDefaults) {
  auto dev = ResolveProfile("development", {}).root;
  auto staging = ResolveProfile("staging", {}).root;
  auto prod = ResolveProfile("production", {{"DD_API_KEY", "k"}}).root;
  auto scalar = [](const config::Node& root, std::initializer_list<std::string_view> keys) {
    const config::Node* n = At(root, keys);
    return n && n->is_scalar() ? n->scalar() : std::string("<absent>");
  };
  EXPECT_EQ(scalar(dev, {"processors", "batch", "timeout"}), "1s");
  EXPECT_EQ(scalar(dev, {"processors", "batch", "send_batch_size"}), "1024");
  EXPECT_EQ(scalar(prod, {"processors", "batch", "timeout"}), "10s");
  EXPECT_EQ(scalar(prod, {"processors", "batch", "send_batch_size"}), "8192");
  EXPECT_EQ(At(dev, {"processors", "memory_limiter"}), nullptr);
  for (const auto* root : {&staging, &prod}) {
    EXPECT_EQ(scalar(*root, {"processors", "memory_limiter", "limit_mib"}), "1024");
    EXPECT_EQ(scalar(*root, {"processors", "memory_limiter", "spike_limit_mib"}), "256");
    EXPECT_NE(At(*root, {"receivers", "filelog", "operators"}), nullptr);
    const config::Node* ext = At(*root, {"service", "extensions"});
    ASSERT_NE(ext, nullptr);
    std::set<std::string> names;
    for (const auto& item : ext->items()) names.insert(item.scalar());
    for (const char* x : {"health_check", "pprof", "zpages"}) EXPECT_TRUE(names.count(x)) << x;
  }
  EXPECT_EQ(At(dev, {"service", "extensions"}), nullptr);
  EXPECT_GT(
      std::stoi(scalar(dev, {"processors", "probabilistic_sampler", "sampling_percentage"})),
      std::stoi(scalar(prod, {"processors", "probabilistic_sampler", "sampling_percentage"})));
  EXPECT_EQ(scalar(dev, {"exporters", "file/traces", "rotation", "max_days"}), "7");
  EXPECT_EQ(scalar(prod, {"exporters", "clickhouse", "ttl"}), "720h");
  EXPECT_NE(At(prod, {"exporters", "datadog"}), nullptr);
  EXPECT_EQ(At(staging, {"exporters", "datadog"}), nullptr);
  // The persistent queue: every production exporter queues through the enabled file_storage.
  for (const char* exporter : {"clickhouse", "datadog"}) {
    EXPECT_EQ(scalar(prod, {"exporters", exporter, "sending_queue", "storage"}), "file_storage");
  }
  EXPECT_EQ(scalar(prod, {"extensions", "file_storage", "create_directory"}), "true");
}

// ---- deploy/VERSION and start.sh ----

TEST(Version, ThePinIsTheVersionThisTreeBuilds) {
  std::string pinned = PinnedVersion();
  ASSERT_FALSE(pinned.empty());
  Result r = RunProgram({kBinary, "--version"}, {});
  EXPECT_EQ(r.out, "ocelot version " + pinned + "\n");
  // Compose reads the file with --env-file: only comments and KEY=VALUE lines.
  for (const std::string& line : Lines(ReadFile(kSource + "/deploy/VERSION"))) {
    EXPECT_TRUE(line.empty() || line[0] == '#' ||
                std::regex_match(line, std::regex("[A-Z_]+=[^ ]+")))
        << line;
  }
}

Env StartEnv(const TempDir& home) {
  return {
      {"HOME", home.path().string()},
      {"OCELOT_BIN", kBinary},
      {"OCELOT_DEVICE_ID", "123456"},
      {"OCELOT_TRACES_DASHBOARD_URL", "https://grafana.example/d/t?var-device={device_id}&x=1"}};
}

TEST(StartScript, WithNoBackendRunsFileOnlyAndSaysWhy) {
  TempDir home;
  Result r = RunProgram({"/bin/bash", kSource + "/deploy/start.sh", "--dry-run"}, StartEnv(home));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const std::string config = kSource + "/configs/file.yaml";
  EXPECT_EQ(r.out, "ocelot " + PinnedVersion() + ": running " + config +
                       "\n"
                       "  reason: no backend is configured (neither CLICKHOUSE_ENDPOINT and "
                       "CLICKHOUSE_PASSWORD nor SIGNOZ_ENDPOINT and SIGNOZ_INGESTION_KEY), so "
                       "local files only (LETTA_ENVIRONMENT is not set, so development)\n"
                       "  traces dashboard: https://grafana.example/d/t?var-device=123456&x=1\n"
                       "exec " +
                       kBinary + " --config " + config + "\n");
  EXPECT_EQ(r.err, "");
}

TEST(StartScript, AppendsTheDeviceIdWhenTheUrlHasNoPlaceholder) {
  TempDir home;
  Env env = StartEnv(home);
  env["OCELOT_TRACES_DASHBOARD_URL"] = "https://grafana.example/d/t?device=";
  Result r = RunProgram({"/bin/bash", kSource + "/deploy/start.sh", "--dry-run"}, env);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "  traces dashboard: https://grafana.example/d/t?device=123456\n"))
      << r.out;
}

TEST(StartScript, PassesTheOverrideFileAsASecondConfig) {
  TempDir home;
  std::ofstream(home / "override.yaml") << "processors:\n  batch:\n    timeout: 2s\n";
  Env env = StartEnv(home);
  env["OCELOT_CONFIG_OVERRIDE"] = home / "override.yaml";
  Result r = RunProgram({"/bin/bash", kSource + "/deploy/start.sh", "--dry-run"}, env);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, " --config " + kSource + "/configs/file.yaml --config " +
                                  (home / "override.yaml") + "\n"))
      << r.out;
}

TEST(StartScript, RefusesAConfigurationThatDoesNotValidate) {
  TempDir home;
  std::ofstream(home / "override.yaml") << "processors:\n  batch:\n    timeoutt: 2s\n";
  Env env = StartEnv(home);
  env["OCELOT_CONFIG_OVERRIDE"] = home / "override.yaml";
  Result r = RunProgram({"/bin/bash", kSource + "/deploy/start.sh", "--dry-run"}, env);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.err, "unknown key \"timeoutt\"")) << r.err;
  EXPECT_TRUE(Contains(r.err, "start.sh: the configuration above is not valid; not starting"));
  EXPECT_FALSE(Contains(r.out, "exec ")) << r.out;
}

TEST(StartScript, RefusesABinaryOfAnotherVersionAndSaysHowToGetThePinnedOne) {
  TempDir home;
  std::ofstream(home / "ocelot") << "#!/bin/sh\necho 'ocelot version 9.9.9'\n";
  chmod((home / "ocelot").c_str(), 0755);
  Env env = StartEnv(home);
  env["OCELOT_BIN"] = home / "ocelot";
  Result r = RunProgram({"/bin/bash", kSource + "/deploy/start.sh", "--dry-run"}, env);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.err, "is version 9.9.9, but this deployment pins " + PinnedVersion()))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "To get the pinned version:")) << r.err;
  EXPECT_TRUE(Contains(r.err, "ocelot:" + PinnedVersion())) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(StartScript, RefusesWhenThereIsNoBinary) {
  TempDir home;
  Env env = StartEnv(home);
  env["OCELOT_BIN"] = home / "missing";
  Result r = RunProgram({"/bin/bash", kSource + "/deploy/start.sh", "--dry-run"}, env);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.err, "no ocelot binary")) << r.err;
}

TEST(StartScript, ReportsAnUnknownEnvironment) {
  TempDir home;
  Env env = StartEnv(home);
  env["LETTA_ENVIRONMENT"] = "qa";
  Result r = RunProgram({"/bin/bash", kSource + "/deploy/start.sh", "--dry-run"}, env);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(Contains(r.err, "LETTA_ENVIRONMENT is \"qa\"")) << r.err;
}

TEST(SelectCommand, PrintsThePathFirstAndJsonOnRequest) {
  Env env = {{"CLICKHOUSE_ENDPOINT", "tcp://c:9000"},
             {"CLICKHOUSE_PASSWORD", "p"},
             {"LETTA_ENVIRONMENT", "staging"}};
  Result r = RunProgram({kBinary, "select", "--configs-dir", kSource + "/configs"}, env);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Lines(r.out)[0], kSource + "/configs/staging.yaml");
  r = RunProgram({kBinary, "select", "--json", "--configs-dir", kSource + "/configs"}, env);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\"config\": \"" + kSource +
                            "/configs/staging.yaml\", \"environment\": \"staging\", \"backend\": "
                            "\"clickhouse\", \"profile\": \"staging\", \"reason\": ",
                        0),
            0u)
      << r.out;
  // The build tree's binary finds configs/ beside it without being told.
  r = RunProgram({kBinary, "select"}, {});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(fs::path(Lines(r.out)[0]).filename(), "file.yaml");
}

// ---- the Dockerfile, by a small line parser ----

struct Instruction {
  std::string keyword;
  std::string args;
  int stage = -1;  // -1 before the first FROM
};

struct Dockerfile {
  std::vector<Instruction> instructions;
  std::vector<std::string> stage_names;
  std::vector<const Instruction*> Find(const std::string& keyword, int stage = -2) const {
    std::vector<const Instruction*> out;
    for (const auto& i : instructions) {
      if (i.keyword == keyword && (stage == -2 || i.stage == stage)) out.push_back(&i);
    }
    return out;
  }
  int final_stage() const { return static_cast<int>(stage_names.size()) - 1; }
};

// Joins continuation lines, drops comments (also inside continuations, as Docker does).
Dockerfile ParseDockerfile(const std::string& text) {
  Dockerfile d;
  std::string pending;
  for (std::string line : Lines(text)) {
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    bool continues = !line.empty() && line.back() == '\\';
    if (continues) line.pop_back();
    pending += (pending.empty() ? "" : " ") + line.substr(first);
    if (continues) continue;
    Instruction i;
    size_t space = pending.find(' ');
    i.keyword = pending.substr(0, space);
    i.args = space == std::string::npos ? "" : pending.substr(space + 1);
    if (i.keyword == "FROM") {
      std::smatch m;
      std::regex_search(i.args, m, std::regex(" AS (\\S+)", std::regex::icase));
      d.stage_names.push_back(m.empty() ? "" : m[1].str());
    }
    i.stage = static_cast<int>(d.stage_names.size()) - 1;
    d.instructions.push_back(i);
    pending.clear();
  }
  return d;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// KEY=VALUE pairs of the ENV instructions of a stage.
Env ImageEnv(const Dockerfile& d, int stage) {
  Env env;
  for (const Instruction* i : d.Find("ENV", stage)) {
    for (const std::string& w : Words(i->args)) {
      size_t eq = w.find('=');
      if (eq != std::string::npos) env[w.substr(0, eq)] = w.substr(eq + 1);
    }
  }
  return env;
}

// Destination of the COPY whose sources include `source`.
std::string CopyDestination(const Dockerfile& d, const std::string& source) {
  for (const Instruction* i : d.Find("COPY", d.final_stage())) {
    std::vector<std::string> w = Words(i->args);
    if (std::find(w.begin(), w.end() - 1, source) != w.end() - 1) return w.back();
  }
  return "";
}

Dockerfile LoadDockerfile() { return ParseDockerfile(ReadFile(kSource + "/deploy/Dockerfile")); }

TEST(Dockerfile, BuildsOnBookwormAndRunsOnSlimAsANonRootUser) {
  Dockerfile d = LoadDockerfile();
  auto from = d.Find("FROM");
  ASSERT_EQ(from.size(), 2u);
  EXPECT_EQ(from[0]->args, "debian:bookworm AS build");
  EXPECT_EQ(from[1]->args, "debian:bookworm-slim");
  auto user = d.Find("USER", d.final_stage());
  ASSERT_EQ(user.size(), 1u);
  std::string uid = user[0]->args.substr(0, user[0]->args.find(':'));
  EXPECT_NE(uid, "root");
  EXPECT_NE(uid, "0");
  // The build stage installs what the build needs with the project's own script.
  bool installs = false;
  for (const Instruction* i : d.Find("RUN", 0)) installs |= i->args == "scripts/install-deps.sh";
  EXPECT_TRUE(installs);
}

TEST(Dockerfile, TheRuntimeStageInstallsTheLibrariesLddCannotSee) {
  // The collector dlopens libcurl (src/net/curl) and libprofiler (the pprof extension) on first
  // use, so the ldd-derived package list misses them; without them the otlphttp and clickhouse
  // exporters cannot send, and pprof cannot profile, in the image.
  Dockerfile d = LoadDockerfile();
  for (const char* package : {" libcurl4 ", " libgoogle-perftools4 "}) {
    bool installs = false;
    for (const Instruction* i : d.Find("RUN", d.final_stage())) {
      installs |= i->args.find("apt-get install") != std::string::npos &&
                  i->args.find(package) != std::string::npos;
    }
    EXPECT_TRUE(installs) << package;
  }
}

TEST(Dockerfile, VersionIsABuildArgumentAndALabelAndMatchesThePin) {
  Dockerfile d = LoadDockerfile();
  auto global = d.Find("ARG", -1);
  ASSERT_EQ(global.size(), 1u);
  EXPECT_EQ(global[0]->args, "OCELOT_VERSION=" + PinnedVersion());
  // A global ARG is visible in a stage only when the stage declares it again.
  for (int stage = 0; stage <= d.final_stage(); ++stage) {
    auto args = d.Find("ARG", stage);
    ASSERT_EQ(args.size(), 1u) << stage;
    EXPECT_EQ(args[0]->args, "OCELOT_VERSION");
  }
  auto labels = d.Find("LABEL", d.final_stage());
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_TRUE(Contains(labels[0]->args, "org.opencontainers.image.version=\"${OCELOT_VERSION}\""));
  bool checks = false;
  for (const Instruction* i : d.Find("RUN", 0)) {
    checks |= Contains(i->args, "= \"ocelot version ${OCELOT_VERSION}\"");
  }
  EXPECT_TRUE(checks) << "the build must fail when the tree builds another version";
}

TEST(Dockerfile, EveryCopiedPathExists) {
  Dockerfile d = LoadDockerfile();
  for (const Instruction* i : d.Find("COPY")) {
    std::vector<std::string> w = Words(i->args);
    ASSERT_GE(w.size(), 2u);
    if (w[0].rfind("--from=", 0) == 0) {
      std::string stage = w[0].substr(7);
      EXPECT_NE(std::find(d.stage_names.begin(), d.stage_names.end(), stage), d.stage_names.end())
          << stage;
      continue;
    }
    for (size_t k = 0; k + 1 < w.size(); ++k) {
      if (w[k] == ".") continue;
      EXPECT_TRUE(fs::exists(kSource + "/" + w[k])) << w[k];
    }
  }
  EXPECT_TRUE(fs::exists(kSource + "/deploy/Dockerfile.dockerignore"));
  EXPECT_TRUE(Contains(ReadFile(kSource + "/deploy/Dockerfile.dockerignore"), "\nbuild-*\n"));
}

TEST(Dockerfile, EntrypointAndEnvironmentPointWhereFilesAreCopied) {
  Dockerfile d = LoadDockerfile();
  Env env = ImageEnv(d, d.final_stage());
  EXPECT_EQ(env["OCELOT_BIN"], "/usr/local/bin/ocelot");
  EXPECT_EQ(CopyDestination(d, "/build/ocelot"), env["OCELOT_BIN"]);
  EXPECT_EQ(CopyDestination(d, "configs/"), env["OCELOT_CONFIG_DIR"] + "/");
  auto entry = d.Find("ENTRYPOINT", d.final_stage());
  ASSERT_EQ(entry.size(), 1u);
  EXPECT_EQ(entry[0]->args, "[\"" + CopyDestination(d, "deploy/start.sh") + "start.sh\"]");
  EXPECT_EQ(CopyDestination(d, "deploy/VERSION"), CopyDestination(d, "deploy/start.sh"));
  auto volume = d.Find("VOLUME", d.final_stage());
  ASSERT_EQ(volume.size(), 1u);
  EXPECT_EQ(volume[0]->args, "[\"" + env["OCELOT_DATA_DIR"] + "\"]");
}

// Variables ocelot's profiles, `ocelot select` or start.sh read.
std::set<std::string> KnownVariables() {
  std::set<std::string> names;
  std::regex profile_var(R"(\$\{env:([A-Za-z_][A-Za-z0-9_]*))");
  for (const std::string& p : kProfiles) {
    std::string text = ReadFile(Profile(p));
    for (std::sregex_iterator it(text.begin(), text.end(), profile_var), end; it != end; ++it) {
      names.insert((*it)[1].str());
    }
  }
  std::regex quoted("\"([A-Z][A-Z0-9_]+)\"");
  std::string select = ReadFile(kSource + "/src/cmd/ocelot/select.cc");
  for (std::sregex_iterator it(select.begin(), select.end(), quoted), end; it != end; ++it) {
    names.insert((*it)[1].str());
  }
  std::regex shell_var(R"(\$\{?([A-Z][A-Z0-9_]+))");
  std::string start = ReadFile(kSource + "/deploy/start.sh");
  for (std::sregex_iterator it(start.begin(), start.end(), shell_var), end; it != end; ++it) {
    names.insert((*it)[1].str());
  }
  return names;
}

TEST(Dockerfile, EnvironmentNamesOnlyVariablesSomethingReads) {
  Dockerfile d = LoadDockerfile();
  std::set<std::string> known = KnownVariables();
  for (const auto& [name, value] : ImageEnv(d, d.final_stage())) {
    EXPECT_TRUE(known.count(name)) << name << " is read by no profile, select or start.sh";
  }
}

TEST(Dockerfile, ExposedAndHealthCheckedPortsAreTheProfilesPorts) {
  Dockerfile d = LoadDockerfile();
  Env env = ImageEnv(d, d.final_stage());
  auto expose = d.Find("EXPOSE", d.final_stage());
  ASSERT_EQ(expose.size(), 1u);
  std::set<int> exposed;
  for (const std::string& w : Words(expose[0]->args)) exposed.insert(std::stoi(w));
  auto health = d.Find("HEALTHCHECK", d.final_stage());
  ASSERT_EQ(health.size(), 1u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(health[0]->args, m, std::regex("/dev/tcp/localhost/([0-9]+)")));
  int health_port = std::stoi(m[1]);
  for (const std::string& name : kProfiles) {
    config::Node root = ResolveProfile(name, env).root;
    std::set<int> listening;
    for (const std::string& e : OtlpEndpoints(root)) {
      listening.insert(PortOf(e));
      // In the image the receivers listen beyond the container's loopback.
      EXPECT_EQ(e.rfind("0.0.0.0:", 0), 0u) << name << " " << e;
    }
    EXPECT_EQ(listening, exposed) << name;
    if (const config::Node* hc = At(root, {"extensions", "health_check", "endpoint"})) {
      EXPECT_EQ(PortOf(hc->scalar()), health_port) << name;
      auto hp = config::ParseEndpoint(hc->scalar());
      EXPECT_EQ(hp->host, "localhost") << name << ": the check runs inside the container";
    }
  }
}

// ---- compose files, parsed with yaml-cpp ----

// Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, $$. A
// required variable (":?") that `host` lacks becomes "<VAR>", and is listed in *required.
std::string Interpolate(const std::string& s, const Env& host,
                        std::set<std::string>* required = nullptr) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    if (s[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (s[i + 1] != '{') {
      out += s[i];
      continue;
    }
    size_t close = s.find('}', i);
    std::string body = s.substr(i + 2, close - i - 2);
    std::smatch m;
    std::regex_match(body, m, std::regex(R"(([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?(.*))"));
    std::string name = m[1], op = m[2], arg = m[3];
    auto it = host.find(name);
    bool set = it != host.end() && (!it->second.empty() || op.size() < 2);
    if (set) {
      out += it->second;
    } else if (op.find('-') != std::string::npos) {
      out += arg;
    } else if (op.find('?') != std::string::npos) {
      if (required) required->insert(name);
      out += "<" + name + ">";
    }
    i = close;
  }
  return out;
}

struct Compose {
  std::string file;
  YAML::Node root;
  std::string environment;  // the LETTA_ENVIRONMENT it deploys
};

std::vector<Compose> ComposeFiles() {
  return {
      {"compose.yaml", YAML::LoadFile(kSource + "/deploy/compose.yaml"), "production"},
      {"dev-compose.yaml", YAML::LoadFile(kSource + "/deploy/dev-compose.yaml"), "development"}};
}

// The ocelot container's environment: the image's ENV, then compose's, interpolated as
// compose would with nothing set on the host.
Env ContainerEnv(const YAML::Node& ocelot) {
  Dockerfile d = LoadDockerfile();
  Env env = ImageEnv(d, d.final_stage());
  for (const auto& kv : ocelot["environment"]) {
    env[kv.first.as<std::string>()] = Interpolate(kv.second.as<std::string>(), {});
  }
  return env;
}

TEST(Compose, ServicesImageAndBuildArePinnedAndExist) {
  for (const Compose& c : ComposeFiles()) {
    SCOPED_TRACE(c.file);
    YAML::Node services = c.root["services"];
    ASSERT_TRUE(services["ocelot"]);
    ASSERT_TRUE(services["clickhouse"]);
    YAML::Node ocelot = services["ocelot"];
    std::set<std::string> required;
    std::string image = Interpolate(ocelot["image"].as<std::string>(), {}, &required);
    EXPECT_EQ(image, "ocelot:<OCELOT_VERSION>");
    EXPECT_EQ(Interpolate(ocelot["image"].as<std::string>(), {{"OCELOT_VERSION", PinnedVersion()}}),
              "ocelot:" + PinnedVersion());
    fs::path context = fs::path(kSource) / "deploy" / ocelot["build"]["context"].as<std::string>();
    EXPECT_TRUE(fs::equivalent(context, kSource));
    EXPECT_TRUE(fs::exists(context / ocelot["build"]["dockerfile"].as<std::string>()));
    EXPECT_EQ(Interpolate(ocelot["build"]["args"]["OCELOT_VERSION"].as<std::string>(), {}),
              "<OCELOT_VERSION>");
    EXPECT_EQ(ocelot["depends_on"]["clickhouse"]["condition"].as<std::string>(), "service_healthy");
    EXPECT_TRUE(services["clickhouse"]["healthcheck"]["test"]) << "ClickHouse needs a health check";
    // The ClickHouse image is pinned too (a default tag, never "latest").
    EXPECT_TRUE(std::regex_match(Interpolate(services["clickhouse"]["image"].as<std::string>(), {}),
                                 std::regex(R"(clickhouse/clickhouse-server:[0-9.]+)")));
  }
}

TEST(Compose, EnvironmentNamesOnlyVariablesSomethingReads) {
  std::set<std::string> known = KnownVariables();
  for (const Compose& c : ComposeFiles()) {
    for (const auto& kv : c.root["services"]["ocelot"]["environment"]) {
      std::string name = kv.first.as<std::string>();
      EXPECT_TRUE(known.count(name)) << c.file << ": " << name << " is read by nothing";
    }
  }
}

TEST(Compose, SelectsTheIntendedProfileWhichNeedsNoOtherVariable) {
  for (const Compose& c : ComposeFiles()) {
    SCOPED_TRACE(c.file);
    Env env = ContainerEnv(c.root["services"]["ocelot"]);
    Dockerfile d = LoadDockerfile();
    auto s = cmd::SelectConfig(Lookup(env), ImageEnv(d, d.final_stage())["OCELOT_CONFIG_DIR"]);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->profile, c.environment);
    EXPECT_EQ(s->backend, "clickhouse");
    EXPECT_TRUE(s->notes.empty()) << s->notes[0];
    config::Resolved r = ResolveProfile(s->profile, env);
    EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  }
}

TEST(Compose, ClickHouseEndpointAndCredentialsAgreeWithTheClickHouseService) {
  for (const Compose& c : ComposeFiles()) {
    SCOPED_TRACE(c.file);
    YAML::Node services = c.root["services"];
    Env env = ContainerEnv(services["ocelot"]);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(env["CLICKHOUSE_ENDPOINT"], m,
                                 std::regex(R"(tcp://([a-z0-9_-]+):([0-9]+))")));
    EXPECT_TRUE(services[m[1].str()]) << m[1] << " is not a service";
    EXPECT_EQ(m[2], "9000") << "ClickHouse's native protocol port";
    YAML::Node ch = services["clickhouse"]["environment"];
    auto raw = [](const YAML::Node& n) { return n ? n.as<std::string>() : std::string(); };
    YAML::Node oe = services["ocelot"]["environment"];
    EXPECT_EQ(raw(ch["CLICKHOUSE_PASSWORD"]), raw(oe["CLICKHOUSE_PASSWORD"]));
    EXPECT_EQ(Interpolate(raw(ch["CLICKHOUSE_DB"]), {}), env["CLICKHOUSE_DATABASE"]);
    std::string user = ch["CLICKHOUSE_USER"] ? Interpolate(raw(ch["CLICKHOUSE_USER"]), {})
                                             : std::string("default");
    EXPECT_EQ(user, env["CLICKHOUSE_USERNAME"]);
  }
}

TEST(Compose, PublishedPortsAreTheReceiversPorts) {
  for (const Compose& c : ComposeFiles()) {
    SCOPED_TRACE(c.file);
    YAML::Node ocelot = c.root["services"]["ocelot"];
    Env env = ContainerEnv(ocelot);
    std::set<int> published;
    for (const auto& p : ocelot["ports"]) {
      std::string mapping = Interpolate(p.as<std::string>(), {});
      published.insert(std::stoi(mapping.substr(mapping.rfind(':') + 1)));
    }
    std::set<int> listening;
    for (const std::string& e : OtlpEndpoints(ResolveProfile(c.environment, env).root)) {
      listening.insert(PortOf(e));
    }
    EXPECT_EQ(published, listening);
  }
}

// Named volumes exist, the data directory is one, and so are the persistent queue and every
// file the profile reads or writes.
TEST(Compose, VolumesHoldTheDataDirectoryQueueAndLogs) {
  for (const Compose& c : ComposeFiles()) {
    SCOPED_TRACE(c.file);
    YAML::Node ocelot = c.root["services"]["ocelot"];
    Env env = ContainerEnv(ocelot);
    std::map<std::string, std::string> mounts;  // target -> volume
    for (const YAML::Node& service : {c.root["services"]["clickhouse"], ocelot}) {
      for (const auto& v : service["volumes"]) {
        std::vector<std::string> parts;
        std::string s = v.as<std::string>();
        for (size_t start = 0, colon; start <= s.size(); start = colon + 1) {
          colon = s.find(':', start);
          if (colon == std::string::npos) colon = s.size();
          parts.push_back(s.substr(start, colon - start));
        }
        ASSERT_GE(parts.size(), 2u) << s;
        EXPECT_TRUE(c.root["volumes"][parts[0]]) << parts[0] << " is not declared";
        if (service == ocelot) mounts[parts[1]] = parts[0];
      }
    }
    EXPECT_TRUE(mounts.count(env["OCELOT_DATA_DIR"])) << env["OCELOT_DATA_DIR"];
    auto on_a_volume = [&](const std::string& path) {
      for (const auto& [target, volume] : mounts) {
        if (path.rfind(target + "/", 0) == 0) return true;
      }
      return false;
    };
    config::Node root = ResolveProfile(c.environment, env).root;
    if (const config::Node* dir = At(root, {"extensions", "file_storage", "directory"})) {
      EXPECT_TRUE(on_a_volume(dir->scalar())) << dir->scalar();
    }
    if (const config::Node* include = At(root, {"receivers", "filelog", "include"})) {
      for (const auto& item : include->items()) {
        EXPECT_TRUE(on_a_volume(item.scalar())) << item.scalar();
      }
    }
    if (const config::Node* exporters = root.Find("exporters")) {
      for (const auto& e : exporters->entries()) {
        if (const config::Node* path = e.value.Find("path")) {
          EXPECT_TRUE(on_a_volume(path->scalar())) << path->scalar();
        }
      }
    }
  }
}

// The image's HEALTHCHECK needs the health_check extension: a compose file keeps it only for a
// profile that runs one, and disables it otherwise.
TEST(Compose, HealthCheckOnlyWhereTheProfileRunsHealthCheck) {
  for (const Compose& c : ComposeFiles()) {
    SCOPED_TRACE(c.file);
    YAML::Node ocelot = c.root["services"]["ocelot"];
    config::Node root = ResolveProfile(c.environment, ContainerEnv(ocelot)).root;
    bool runs = false;
    if (const config::Node* ext = At(root, {"service", "extensions"})) {
      for (const auto& item : ext->items()) runs |= item.scalar() == "health_check";
    }
    bool disabled = ocelot["healthcheck"] && ocelot["healthcheck"]["disable"] &&
                    ocelot["healthcheck"]["disable"].as<bool>();
    EXPECT_EQ(runs, !disabled);
  }
}

}  // namespace
}  // namespace ocelot::testing
