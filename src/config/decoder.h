// Strict, typed decoding of configuration nodes into plain structs. Every problem is collected
// (not just the first) with its file, line and key path, e.g.
//   config.yaml:12: exporters::file: unknown key "pathh" (did you mean "path"?)
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/node.h"
#include "config/values.h"

namespace ocelot::config {

// Collects problems found while decoding and validating.
class Diagnostics {
 public:
  void Error(const Location& where, const std::string& path, const std::string& message);
  void Warning(const Location& where, const std::string& path, const std::string& message);
  bool ok() const { return errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  void AddWarningLine(std::string line) { warnings_.push_back(std::move(line)); }

 private:
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
};

// Closest candidate by edit distance, if close enough to be a likely typo.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

// Decodes one YAML map into struct fields. Each Field() call names a key the struct accepts;
// Finish() reports every key that no Field() claimed, with a "did you mean".
//   MapDecoder d(node, "exporters::file", diag);
//   d.Field("path", &cfg.path);
//   d.Object("rotation", [&](MapDecoder& r) { r.Field("max_megabytes", &cfg.max_megabytes); });
//   d.Finish();
class MapDecoder {
 public:
  // A null node is an empty map (e.g. "health_check:" with nothing under it).
  MapDecoder(const Node& node, std::string path, Diagnostics* diag);

  void Field(std::string_view key, std::string* out);
  void Field(std::string_view key, bool* out);
  void Field(std::string_view key, int64_t* out);
  void Field(std::string_view key, int* out);
  void Field(std::string_view key, uint32_t* out);
  void Field(std::string_view key, double* out);
  void Field(std::string_view key, Duration* out);
  void Field(std::string_view key, std::vector<std::string>* out);
  void Field(std::string_view key, std::map<std::string, std::string>* out);
  template <typename T>
  void Field(std::string_view key, std::optional<T>* out) {
    if (Peek(key) == nullptr) return;
    T value{};
    Field(key, &value);
    *out = value;
  }
  // An endpoint "host:port"; checked with ParseEndpoint.
  void Endpoint(std::string_view key, std::string* out);
  // A string that must be one of `allowed`.
  void Enum(std::string_view key, std::string* out, const std::vector<std::string>& allowed);
  // A nested map, decoded by `decode` when the key is present.
  void Object(std::string_view key, const std::function<void(MapDecoder&)>& decode);
  // Claims a key and returns its node for custom decoding (nullptr when absent).
  const Node* Take(std::string_view key);
  const Node* Peek(std::string_view key) const;

  // Reports a problem with a key this decoder owns (at the key's location).
  void Error(std::string_view key, const std::string& message);
  void Error(const std::string& message);  // at the map itself

  void Finish();

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const;
  const Node& node() const { return node_; }
  Diagnostics* diagnostics() const { return diag_; }

 private:
  const Node* Scalar(std::string_view key);

  const Node& node_;
  std::string path_;
  Diagnostics* diag_;
  std::set<std::string, std::less<>> known_;
  bool finished_ = false;
};

}  // namespace ocelot::config
