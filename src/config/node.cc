// Plain configuration nodes with source locations.
#include "config/node.h"

namespace ocelot::config {

std::string Location::ToString() const {
  if (!file) return "<unknown>";
  if (line <= 0) return *file;
  return *file + ":" + std::to_string(line);
}

Node Node::Scalar(std::string value, Location location) {
  Node n;
  n.kind_ = Kind::kScalar;
  n.scalar_ = std::move(value);
  n.location_ = std::move(location);
  return n;
}

Node Node::Null(Location location) {
  Node n;
  n.location_ = std::move(location);
  return n;
}

Node Node::Sequence(Location location) {
  Node n;
  n.kind_ = Kind::kSequence;
  n.location_ = std::move(location);
  return n;
}

Node Node::Map(Location location) {
  Node n;
  n.kind_ = Kind::kMap;
  n.location_ = std::move(location);
  return n;
}

const Node* Node::Find(std::string_view key) const {
  if (kind_ != Kind::kMap) return nullptr;
  for (const Entry& e : entries_) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

Node* Node::FindMutable(std::string_view key) {
  return const_cast<Node*>(static_cast<const Node*>(this)->Find(key));
}

Node& Node::GetOrAdd(const std::string& key, const Location& key_location) {
  if (kind_ != Kind::kMap) {
    kind_ = Kind::kMap;
    scalar_.clear();
    items_.clear();
  }
  if (Node* existing = FindMutable(key)) return *existing;
  entries_.push_back(Entry{key, key_location, Node::Null(key_location)});
  return entries_.back().value;
}

const char* Node::KindName() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kScalar:
      return "scalar";
    case Kind::kSequence:
      return "list";
    case Kind::kMap:
      return "map";
  }
  return "?";
}

}  // namespace ocelot::config
