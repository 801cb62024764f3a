#include "config/merge.h"

#include "absl/strings/str_split.h"
#include "config/loader.h"

namespace ocelot::config {

void Merge(Node* base, Node overlay) {
  if (base->is_map() && overlay.is_map()) {
    for (Node::Entry& e : overlay.mutable_entries()) {
      if (Node* existing = base->FindMutable(e.key)) {
        Merge(existing, std::move(e.value));
      } else {
        base->mutable_entries().push_back(std::move(e));
      }
    }
    return;
  }
  // A null overlay (e.g. "health_check:" in a later file) keeps what the base says.
  if (overlay.is_null() && !base->is_null()) return;
  *base = std::move(overlay);
}

absl::Status ApplySet(Node* root, const std::string& assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    return absl::InvalidArgumentError("--set \"" + assignment +
                                      "\": expected key::path=value (e.g. "
                                      "processors::batch::timeout=2s)");
  }
  std::string key = assignment.substr(0, eq);
  auto value = ParseYaml(assignment.substr(eq + 1), "--set " + key);
  if (!value.ok()) return value.status();
  std::vector<std::string> parts = absl::StrSplit(key, "::");
  Location loc;
  loc.file = std::make_shared<const std::string>("--set " + key);
  Node overlay = std::move(*value);
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (it->empty()) {
      return absl::InvalidArgumentError("--set \"" + assignment + "\": empty key segment");
    }
    Node wrapper = Node::Map(loc);
    wrapper.mutable_entries().push_back(Node::Entry{*it, loc, std::move(overlay)});
    overlay = std::move(wrapper);
  }
  Merge(root, std::move(overlay));
  return absl::OkStatus();
}

}  // namespace ocelot::config
