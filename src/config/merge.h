// Combining configuration sources: several --config files merged in order, then --set
// overrides, as otelcol 0.96 does (maps merge key by key; a later scalar or list replaces).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "config/node.h"

namespace ocelot::config {

// Merges `overlay` into `*base`.
void Merge(Node* base, Node overlay);

// Applies one --set argument, "key::path=value" (the value is parsed as YAML, so lists and
// numbers work: `--set processors::batch::send_batch_size=10`).
absl::Status ApplySet(Node* root, const std::string& assignment);

}  // namespace ocelot::config
