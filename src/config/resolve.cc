#include "config/resolve.h"

#include "config/loader.h"
#include "config/merge.h"

namespace ocelot::config {

absl::StatusOr<Resolved> Resolve(const std::vector<Source>& sources,
                                 const std::vector<std::string>& sets, const EnvLookup& env) {
  Resolved out;
  Location top;
  out.root = Node::Map(top);
  for (const Source& source : sources) {
    auto node =
        source.text.empty() ? LoadYamlFile(source.name) : ParseYaml(source.text, source.name);
    if (!node.ok()) return node.status();
    if (!node->is_map() && !node->is_null()) {
      return absl::InvalidArgumentError(source.name +
                                        ": the configuration must be a YAML map at the top level");
    }
    Merge(&out.root, *std::move(node));
  }
  for (const std::string& set : sets) {
    if (absl::Status s = ApplySet(&out.root, set); !s.ok()) return s;
  }
  out.unexpanded = out.root;
  if (absl::Status s = ExpandTree(&out.root, env, &out.warnings); !s.ok()) return s;
  return out;
}

}  // namespace ocelot::config
