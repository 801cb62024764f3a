// Variable expansion as otelcol 0.96 does it: ${env:NAME}, ${NAME}, $NAME and $$ for a literal
// $; plus ${env:NAME:-default} from newer collectors. An unset variable expands to empty and
// produces a warning that names it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "config/node.h"

namespace ocelot::config {

// Looks a variable up; std::nullopt when unset. The default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnvironment();

// Expands one string. Warnings (unset variables) are appended to *warnings, prefixed with the
// location.
absl::StatusOr<std::string> ExpandString(std::string_view in, const Location& where,
                                         const EnvLookup& env, std::vector<std::string>* warnings);

// Expands every scalar value in the tree (keys are left alone, as the Go collector does).
// Returns every error found, one per line.
absl::Status ExpandTree(Node* root, const EnvLookup& env, std::vector<std::string>* warnings);

}  // namespace ocelot::config
