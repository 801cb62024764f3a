// The selection is a pure function of the environment so tests can try every branch; the
// command around it only finds the profiles directory and prints.
#include "cmd/ocelot/select.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "absl/strings/ascii.h"
#include "cmd/ocelot/diff.h"

namespace ocelot::cmd {
namespace {

bool IsSet(const config::EnvLookup& env, const std::string& name) {
  std::optional<std::string> v = env(name);
  return v && !v->empty();
}

// Both variables of a pair set; otherwise a note when only one is, since that is almost
// always a mistake the operator wants to hear about.
bool PairSet(const config::EnvLookup& env, const std::string& a, const std::string& b,
             const std::string& what, std::vector<std::string>* notes) {
  bool has_a = IsSet(env, a);
  bool has_b = IsSet(env, b);
  if (has_a != has_b) {
    notes->push_back((has_a ? a : b) + " is set but " + (has_a ? b : a) + " is not; " + what +
                     " needs both, so it is not used");
  }
  return has_a && has_b;
}

absl::StatusOr<std::string> Environment(const config::EnvLookup& env, std::string* how) {
  std::optional<std::string> raw = env("LETTA_ENVIRONMENT");
  if (!raw || raw->empty()) {
    *how = "LETTA_ENVIRONMENT is not set, so development";
    return std::string("development");
  }
  std::string v = absl::AsciiStrToLower(*raw);
  std::string name;
  if (v == "development" || v == "dev") name = "development";
  if (v == "staging" || v == "stage") name = "staging";
  if (v == "production" || v == "prod") name = "production";
  if (name.empty()) {
    return absl::InvalidArgumentError(
        "LETTA_ENVIRONMENT is \"" + *raw +
        "\"; expected development, staging or production (or dev, stage, prod)");
  }
  *how = "LETTA_ENVIRONMENT=" + *raw;
  return name;
}

}  // namespace

absl::StatusOr<Selection> SelectConfig(const config::EnvLookup& env,
                                       const std::string& configs_dir) {
  Selection s;
  std::string how;
  auto environment = Environment(env, &how);
  if (!environment.ok()) return environment.status();
  s.environment = *environment;
  if (PairSet(env, "CLICKHOUSE_ENDPOINT", "CLICKHOUSE_PASSWORD", "ClickHouse", &s.notes)) {
    s.backend = "clickhouse";
    s.profile = s.environment;
    s.reason = "CLICKHOUSE_ENDPOINT and CLICKHOUSE_PASSWORD are set, so ClickHouse with the " +
               s.profile + " profile (" + how + ")";
    if (s.profile == "production" && !IsSet(env, "DD_API_KEY")) {
      s.notes.push_back(
          "DD_API_KEY is not set; the production profile also exports to Datadog and needs it");
    }
  } else if (PairSet(env, "SIGNOZ_ENDPOINT", "SIGNOZ_INGESTION_KEY", "the OTLP gateway",
                     &s.notes)) {
    s.backend = "gateway";
    s.profile = "gateway";
    s.reason =
        "ClickHouse is not configured (CLICKHOUSE_ENDPOINT and CLICKHOUSE_PASSWORD), and "
        "SIGNOZ_ENDPOINT and SIGNOZ_INGESTION_KEY are set, so the OTLP gateway (" +
        how + ")";
  } else {
    s.backend = "file";
    s.profile = "file";
    s.reason =
        "no backend is configured (neither CLICKHOUSE_ENDPOINT and CLICKHOUSE_PASSWORD nor "
        "SIGNOZ_ENDPOINT and SIGNOZ_INGESTION_KEY), so local files only (" +
        how + ")";
    if (s.environment != "development") {
      s.notes.push_back("telemetry stays in files on this machine; " + s.environment +
                        " normally sends to ClickHouse or an OTLP gateway");
    }
  }
  s.path = (std::filesystem::path(configs_dir) / (s.profile + ".yaml")).string();
  return s;
}

std::string FindConfigsDir(const Options& options, const config::EnvLookup& env) {
  if (!options.configs_dir.empty()) return options.configs_dir;
  if (IsSet(env, "OCELOT_CONFIG_DIR")) return *env("OCELOT_CONFIG_DIR");
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "configs";
  for (const char* relative : {"../share/ocelot/configs", "../configs"}) {
    std::filesystem::path dir = exe.parent_path() / relative;
    if (std::filesystem::is_directory(dir, ec)) return dir.lexically_normal().string();
  }
  return "configs";
}

int SelectCommand(const Options& options) {
  config::EnvLookup env = config::ProcessEnvironment();
  std::string dir = FindConfigsDir(options, env);
  auto s = SelectConfig(env, dir);
  if (!s.ok()) {
    std::cerr << "Error: " << std::string(s.status().message()) << "\n";
    return 1;
  }
  if (!std::filesystem::is_regular_file(s->path)) {
    std::cerr << "Error: the " << s->profile << " profile is missing: no file " << s->path
              << " (give the profiles directory with --configs-dir or OCELOT_CONFIG_DIR)\n";
    return 1;
  }
  if (options.json) {
    std::cout << "{\"config\": " << JsonQuote(s->path)
              << ", \"environment\": " << JsonQuote(s->environment)
              << ", \"backend\": " << JsonQuote(s->backend)
              << ", \"profile\": " << JsonQuote(s->profile)
              << ", \"reason\": " << JsonQuote(s->reason) << ", \"notes\": [";
    for (size_t i = 0; i < s->notes.size(); ++i) {
      std::cout << (i ? ", " : "") << JsonQuote(s->notes[i]);
    }
    std::cout << "]}\n";
    return 0;
  }
  // The path alone on the first line, so a script can take it with `head -n1`.
  std::cout << s->path << "\n";
  std::cout << "reason: " << s->reason << "\n";
  for (const auto& n : s->notes) std::cout << "note: " << n << "\n";
  return 0;
}

}  // namespace ocelot::cmd
