// The configuration ocelot runs when no --config is given: OTLP in on localhost, batch, and
// traces, metrics and logs each into its own rotating file under $HOME/.ocelot/data/.
#pragma once

namespace ocelot::cmd {
extern const char kDefaultProfileName[];
extern const char kDefaultProfile[];
}  // namespace ocelot::cmd
