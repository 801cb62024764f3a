// `ocelot select`: which configuration a deployment runs, from its environment variables. The
// rules live here rather than in deploy/start.sh so every branch has a unit test.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cmd/ocelot/cli.h"
#include "config/expand.h"

namespace ocelot::cmd {

struct Selection {
  std::string environment;         // development, staging or production
  std::string backend;             // clickhouse, gateway or file
  std::string profile;             // the profile's name: an environment, "gateway" or "file"
  std::string path;                // configs_dir/profile.yaml
  std::string reason;              // one sentence: which variables decided it
  std::vector<std::string> notes;  // things an operator should know (a half-set pair...)
};

// The rules, in order:
//   CLICKHOUSE_ENDPOINT and CLICKHOUSE_PASSWORD set -> the profile named by LETTA_ENVIRONMENT
//   (development when unset); else SIGNOZ_ENDPOINT and SIGNOZ_INGESTION_KEY set -> gateway;
//   else file. An empty variable counts as unset. An unknown LETTA_ENVIRONMENT is an error.
absl::StatusOr<Selection> SelectConfig(const config::EnvLookup& env,
                                       const std::string& configs_dir);

// Where the profiles are: --configs-dir, else $OCELOT_CONFIG_DIR, else beside the binary
// (<bin>/../share/ocelot/configs when installed, <bin>/../configs in a build tree).
std::string FindConfigsDir(const Options& options, const config::EnvLookup& env);

// The command: prints the path on the first line, then the reason and notes; or one JSON
// object with --json. Exit status 0, or 1 when nothing can be selected.
int SelectCommand(const Options& options);

}  // namespace ocelot::cmd
