// The front of the configuration pipeline: read every source, merge them in order, apply
// --set overrides, then expand variables. Decoding into component configs comes after.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/expand.h"
#include "config/node.h"

namespace ocelot::config {

struct Source {
  std::string name;  // a path, or a label for built-in text ("default profile")
  std::string text;  // when non-empty, used instead of reading `name`
};

struct Resolved {
  Node root;
  Node unexpanded;  // the merged tree before variable expansion (for history and lint)
  std::vector<std::string> warnings;  // e.g. unset environment variables, with locations
};

absl::StatusOr<Resolved> Resolve(const std::vector<Source>& sources,
                                 const std::vector<std::string>& sets, const EnvLookup& env);

}  // namespace ocelot::config
