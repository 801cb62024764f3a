// `ocelot verify --config F`: the deployment checklist, automated against a running collector.
#pragma once

#include "cmd/ocelot/cli.h"

namespace ocelot::cmd {
int VerifyCommand(const Options& options);
}
