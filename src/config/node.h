// The configuration tree: YAML loaded into plain nodes that remember where each value came
// from (file, line, column), so every later step can name the source of a problem.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ocelot::config {

struct Location {
  std::shared_ptr<const std::string> file;  // shared: thousands of nodes name the same file
  int line = 0;                             // 1-based; 0 when unknown
  int column = 0;

  // "file:line" (or just "file" when the line is unknown, or "<unknown>").
  std::string ToString() const;
};

class Node {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };
  struct Entry;

  Node() = default;
  static Node Scalar(std::string value, Location location);
  static Node Null(Location location);
  static Node Sequence(Location location);
  static Node Map(Location location);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_scalar() const { return kind_ == Kind::kScalar; }
  bool is_sequence() const { return kind_ == Kind::kSequence; }
  bool is_map() const { return kind_ == Kind::kMap; }
  const Location& location() const { return location_; }
  void set_location(Location l) { location_ = std::move(l); }

  const std::string& scalar() const { return scalar_; }
  std::string& mutable_scalar() { return scalar_; }
  // True when the scalar was quoted in YAML (so "123" stays a string when printed).
  bool quoted() const { return quoted_; }
  void set_quoted(bool q) { quoted_ = q; }

  const std::vector<Node>& items() const { return items_; }
  std::vector<Node>& mutable_items() { return items_; }
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& mutable_entries() { return entries_; }

  // Map lookup; nullptr when absent or when this is not a map.
  const Node* Find(std::string_view key) const;
  Node* FindMutable(std::string_view key);
  // Map insert-or-get, turning a null node into an empty map first.
  Node& GetOrAdd(const std::string& key, const Location& key_location);

  const char* KindName() const;

 private:
  Kind kind_ = Kind::kNull;
  Location location_;
  std::string scalar_;
  bool quoted_ = false;
  std::vector<Node> items_;
  std::vector<Entry> entries_;  // kept in file order, so printing keeps the user's order
};

struct Node::Entry {
  std::string key;
  Location key_location;
  Node value;
};

}  // namespace ocelot::config
