// The subcommands. Each returns the process exit status.
#pragma once

#include <optional>

#include "cmd/ocelot/cli.h"

namespace ocelot::cmd {

int RunCollector(const Options& options);
int Validate(const Options& options);
int ListComponents();
int PrintConfig(const Options& options);
int ConfigHistoryCommand();
int ConfigRollbackCommand(std::optional<int> version);
int ReloadCommand();

}  // namespace ocelot::cmd
