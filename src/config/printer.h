// Writes the effective configuration back as YAML, with secret-looking values redacted, for
// `ocelot print-config` and anything else that shows configuration to a person.
#pragma once

#include <string>
#include <string_view>

#include "config/node.h"

namespace ocelot::config {

// True for keys whose values must never be shown: password, key, token, secret,
// authorization (case-insensitive, also as part of a longer key like api_key).
bool IsSecretKey(std::string_view key);

// YAML text of the tree; secrets are printed as "[REDACTED]" unless `redact` is false (only for
// files the operator owns, such as the config history, never for output shown to people).
std::string PrintYaml(const Node& root, bool redact = true);

}  // namespace ocelot::config
