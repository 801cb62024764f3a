// Comparing two effective configurations (merged and expanded trees, so components need not
// be built): every key path that differs, and a summary by the aspects that distinguish
// environments (batching, memory limit, exporters, extensions, log processing, sampling,
// retention, queueing). Secret values are never shown.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/node.h"

namespace ocelot::cmd {

struct Difference {
  enum class Kind { kChanged, kOnlyLeft, kOnlyRight };
  Kind kind = Kind::kChanged;
  std::string path;  // "processors::batch::timeout", sequence items as "operators[0]::type"
  std::string left;  // the value as shown (redacted when secret); empty when absent
  std::string right;
  config::Location left_location;
  config::Location right_location;
};

// Every leaf that differs, in the left tree's key order, then keys only in the right tree. A
// subtree present on one side only is listed leaf by leaf. Lists of scalars compare whole.
std::vector<Difference> DiffTrees(const config::Node& left, const config::Node& right);

struct AspectRow {
  std::string aspect;  // "Batch timeout", "Exporters (traces)", ...
  std::string left;
  std::string right;
  bool differs() const { return left != right; }
};

// One row per aspect, in the order of the seed's "Configuration Differences Summary", with one
// exporters row per pipeline found on either side.
std::vector<AspectRow> CompareAspects(const config::Node& left, const config::Node& right);

// A JSON string literal (quotes included) for `s`.
std::string JsonQuote(std::string_view s);

}  // namespace ocelot::cmd
