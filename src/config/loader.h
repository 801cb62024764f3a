// Reads YAML text into the configuration tree, remembering each value's file and line.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "config/node.h"

namespace ocelot::config {

// Parses YAML text; `source_name` is what locations and errors call it (a path, "--set").
absl::StatusOr<Node> ParseYaml(std::string_view text, const std::string& source_name);

// Reads and parses a file. Errors say which file and why ("cannot read", or the YAML error
// with its line).
absl::StatusOr<Node> LoadYamlFile(const std::string& path);

}  // namespace ocelot::config
