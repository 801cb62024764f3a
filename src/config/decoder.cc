#include "config/decoder.h"

#include <algorithm>
#include <limits>

namespace ocelot::config {

void Diagnostics::Error(const Location& where, const std::string& path,
                        const std::string& message) {
  errors_.push_back(where.ToString() + ": " + (path.empty() ? "" : path + ": ") + message);
}

void Diagnostics::Warning(const Location& where, const std::string& path,
                          const std::string& message) {
  warnings_.push_back(where.ToString() + ": " + (path.empty() ? "" : path + ": ") + message);
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const std::string& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // Within a third of the word's length (at least 1, at most 3 edits) counts as a typo.
  size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  if (best && best_distance <= limit) return best;
  return std::nullopt;
}

MapDecoder::MapDecoder(const Node& node, std::string path, Diagnostics* diag)
    : node_(node), path_(std::move(path)), diag_(diag) {
  if (!node_.is_map() && !node_.is_null()) {
    diag_->Error(node_.location(), path_,
                 std::string("expected a map of settings, got a ") + node_.KindName());
  }
}

std::string MapDecoder::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "::" + std::string(key);
}

const Node* MapDecoder::Peek(std::string_view key) const { return node_.Find(key); }

const Node* MapDecoder::Take(std::string_view key) {
  known_.emplace(key);
  return node_.Find(key);
}

const Node* MapDecoder::Scalar(std::string_view key) {
  const Node* n = Take(key);
  if (n == nullptr || n->is_null()) return nullptr;
  if (!n->is_scalar()) {
    diag_->Error(n->location(), PathOf(key),
                 std::string("expected a single value, got a ") + n->KindName());
    return nullptr;
  }
  return n;
}

void MapDecoder::Field(std::string_view key, std::string* out) {
  if (const Node* n = Scalar(key)) *out = n->scalar();
}

void MapDecoder::Field(std::string_view key, bool* out) {
  if (const Node* n = Scalar(key)) {
    auto v = ParseBool(n->scalar());
    if (v.ok()) {
      *out = *v;
    } else {
      diag_->Error(n->location(), PathOf(key), std::string(v.status().message()));
    }
  }
}

void MapDecoder::Field(std::string_view key, int64_t* out) {
  if (const Node* n = Scalar(key)) {
    auto v = ParseInt(n->scalar());
    if (v.ok()) {
      *out = *v;
    } else {
      diag_->Error(n->location(), PathOf(key), std::string(v.status().message()));
    }
  }
}

void MapDecoder::Field(std::string_view key, int* out) {
  int64_t v = *out;
  const Node* n = Peek(key);
  Field(key, &v);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    diag_->Error(n->location(), PathOf(key), "value out of range");
    return;
  }
  *out = static_cast<int>(v);
}

void MapDecoder::Field(std::string_view key, uint32_t* out) {
  int64_t v = *out;
  const Node* n = Peek(key);
  Field(key, &v);
  if (v < 0 || v > std::numeric_limits<uint32_t>::max()) {
    diag_->Error(n->location(), PathOf(key), "expected a non-negative integer");
    return;
  }
  *out = static_cast<uint32_t>(v);
}

void MapDecoder::Field(std::string_view key, double* out) {
  if (const Node* n = Scalar(key)) {
    auto v = ParseDouble(n->scalar());
    if (v.ok()) {
      *out = *v;
    } else {
      diag_->Error(n->location(), PathOf(key), std::string(v.status().message()));
    }
  }
}

void MapDecoder::Field(std::string_view key, Duration* out) {
  if (const Node* n = Scalar(key)) {
    auto v = ParseDuration(n->scalar());
    if (v.ok()) {
      *out = *v;
    } else {
      diag_->Error(n->location(), PathOf(key), std::string(v.status().message()));
    }
  }
}

void MapDecoder::Field(std::string_view key, std::vector<std::string>* out) {
  const Node* n = Take(key);
  if (n == nullptr || n->is_null()) return;
  if (n->is_scalar()) {  // a single value where a list is expected: Go accepts it too
    *out = {n->scalar()};
    return;
  }
  if (!n->is_sequence()) {
    diag_->Error(n->location(), PathOf(key),
                 std::string("expected a list, got a ") + n->KindName());
    return;
  }
  out->clear();
  for (size_t i = 0; i < n->items().size(); ++i) {
    const Node& item = n->items()[i];
    if (!item.is_scalar()) {
      diag_->Error(item.location(), PathOf(key) + "[" + std::to_string(i) + "]",
                   std::string("expected a single value, got a ") + item.KindName());
      continue;
    }
    out->push_back(item.scalar());
  }
}

void MapDecoder::Field(std::string_view key, std::map<std::string, std::string>* out) {
  const Node* n = Take(key);
  if (n == nullptr || n->is_null()) return;
  if (!n->is_map()) {
    diag_->Error(n->location(), PathOf(key), std::string("expected a map, got a ") + n->KindName());
    return;
  }
  for (const Node::Entry& e : n->entries()) {
    if (e.value.is_null()) {
      (*out)[e.key] = "";
    } else if (!e.value.is_scalar()) {
      diag_->Error(e.value.location(), PathOf(key) + "::" + e.key,
                   std::string("expected a single value, got a ") + e.value.KindName());
    } else {
      (*out)[e.key] = e.value.scalar();
    }
  }
}

void MapDecoder::Endpoint(std::string_view key, std::string* out) {
  if (const Node* n = Scalar(key)) {
    auto hp = ParseEndpoint(n->scalar());
    if (!hp.ok()) {
      diag_->Error(n->location(), PathOf(key), std::string(hp.status().message()));
      return;
    }
    *out = n->scalar();
  }
}

void MapDecoder::Enum(std::string_view key, std::string* out,
                      const std::vector<std::string>& allowed) {
  if (const Node* n = Scalar(key)) {
    if (std::find(allowed.begin(), allowed.end(), n->scalar()) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      diag_->Error(n->location(), PathOf(key),
                   "invalid value \"" + n->scalar() + "\" (allowed: " + list + ")");
      return;
    }
    *out = n->scalar();
  }
}

void MapDecoder::Object(std::string_view key, const std::function<void(MapDecoder&)>& decode) {
  const Node* n = Take(key);
  if (n == nullptr) return;
  MapDecoder sub(*n, PathOf(key), diag_);
  if (n->is_map() || n->is_null()) decode(sub);
  sub.Finish();
}

void MapDecoder::Error(std::string_view key, const std::string& message) {
  const Node* n = node_.Find(key);
  diag_->Error(n ? n->location() : node_.location(), PathOf(key), message);
}

void MapDecoder::Error(const std::string& message) {
  diag_->Error(node_.location(), path_, message);
}

void MapDecoder::Finish() {
  if (finished_ || !node_.is_map()) return;
  finished_ = true;
  std::vector<std::string> known(known_.begin(), known_.end());
  for (const Node::Entry& e : node_.entries()) {
    if (known_.count(e.key)) continue;
    std::string message = "unknown key \"" + e.key + "\"";
    if (auto guess = ClosestMatch(e.key, known)) {
      message += " (did you mean \"" + *guess + "\"?)";
    } else if (!known.empty()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      message += " (valid keys: " + list + ")";
    }
    diag_->Error(e.key_location, path_, message);
  }
}

}  // namespace ocelot::config
