// yaml-cpp is used only here: everything after loading works on config::Node.
#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "absl/status/status.h"

namespace ocelot::config {
namespace {

Location MakeLocation(const std::shared_ptr<const std::string>& file, const YAML::Mark& mark) {
  Location l;
  l.file = file;
  // yaml-cpp marks are 0-based and -1 when unknown (e.g. an implicit null).
  l.line = mark.line >= 0 ? mark.line + 1 : 0;
  l.column = mark.column >= 0 ? mark.column + 1 : 0;
  return l;
}

Node Convert(const YAML::Node& y, const std::shared_ptr<const std::string>& file,
             const Location& fallback) {
  Location loc = MakeLocation(file, y.Mark());
  if (loc.line == 0) loc = fallback;
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Node::Null(loc);
    case YAML::NodeType::Scalar: {
      Node n = Node::Scalar(y.Scalar(), loc);
      n.set_quoted(y.Tag() == "!");
      return n;
    }
    case YAML::NodeType::Sequence: {
      Node n = Node::Sequence(loc);
      for (const auto& item : y) n.mutable_items().push_back(Convert(item, file, loc));
      return n;
    }
    case YAML::NodeType::Map: {
      Node n = Node::Map(loc);
      for (const auto& kv : y) {
        Location key_loc = MakeLocation(file, kv.first.Mark());
        if (key_loc.line == 0) key_loc = loc;
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        // A duplicate key replaces the earlier one, as Go's YAML decoding into maps does.
        if (Node* existing = n.FindMutable(key)) {
          *existing = Convert(kv.second, file, key_loc);
          continue;
        }
        n.mutable_entries().push_back(Node::Entry{key, key_loc, Convert(kv.second, file, key_loc)});
      }
      return n;
    }
  }
  return Node::Null(loc);
}

}  // namespace

absl::StatusOr<Node> ParseYaml(std::string_view text, const std::string& source_name) {
  auto file = std::make_shared<const std::string>(source_name);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    Location top;
    top.file = file;
    top.line = 1;
    return Convert(root, file, top);
  } catch (const YAML::Exception& e) {
    int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    std::string where = line > 0 ? source_name + ":" + std::to_string(line) : source_name;
    return absl::InvalidArgumentError(where + ": invalid YAML: " + e.msg);
  }
}

absl::StatusOr<Node> LoadYamlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot read config file");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseYaml(text.str(), path);
}

}  // namespace ocelot::config
