// `ocelot diff`: what differs between two environments' effective configurations, as a
// summary table and the exact key paths, in text or JSON.
#pragma once

#include <ostream>

#include "cmd/ocelot/cli.h"
#include "config/expand.h"

namespace ocelot::cmd {

// `ocelot diff A B`, or `--left F... --right F...` for several files per side (merged as
// --config merges them). Variables expand from `env`. Exit status as diff(1): 0 when the
// configurations are the same, 1 when they differ, 2 on trouble.
int DiffCommand(const Options& options, const config::EnvLookup& env, std::ostream& out,
                std::ostream& err);

}  // namespace ocelot::cmd
