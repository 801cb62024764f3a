// Expansion is one left-to-right pass; expanded text is never expanded again, so a value that
// contains "$" after expansion stays literal (as in the Go collector).
#include "config/expand.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_join.h"

namespace ocelot::config {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsName(std::string_view s) {
  if (s.empty() || !IsNameStart(s[0])) return false;
  for (char c : s) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::StatusOr<std::string> ExpandString(std::string_view in, const Location& where,
                                         const EnvLookup& env, std::vector<std::string>* warnings) {
  std::string out;
  out.reserve(in.size());
  auto lookup = [&](const std::string& name, const std::optional<std::string>& fallback) {
    std::optional<std::string> v = env(name);
    if (v) return *v;
    if (fallback) return *fallback;
    if (warnings) {
      warnings->push_back(where.ToString() + ": environment variable \"" + name +
                          "\" is not set; it expands to an empty string");
    }
    return std::string();
  };
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '$' || i + 1 >= in.size()) {
      out.push_back(c);
      continue;
    }
    char next = in[i + 1];
    if (next == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (next == '{') {
      size_t close = in.find('}', i + 2);
      if (close == std::string_view::npos) {
        return absl::InvalidArgumentError(where.ToString() + ": unterminated \"${\" in \"" +
                                          std::string(in) + "\"");
      }
      std::string_view body = in.substr(i + 2, close - i - 2);
      std::optional<std::string> fallback;
      if (size_t dash = body.find(":-"); dash != std::string_view::npos) {
        fallback = std::string(body.substr(dash + 2));
        body = body.substr(0, dash);
      }
      std::string_view name = body;
      if (size_t colon = body.find(':'); colon != std::string_view::npos) {
        std::string_view scheme = body.substr(0, colon);
        if (scheme != "env") {
          return absl::InvalidArgumentError(
              where.ToString() + ": unsupported config source \"${" + std::string(scheme) +
              ":...}\"; ocelot expands ${env:NAME}, ${NAME} and $NAME");
        }
        name = body.substr(colon + 1);
      }
      if (!IsName(name)) {
        return absl::InvalidArgumentError(where.ToString() + ": invalid variable name \"" +
                                          std::string(name) + "\" in \"${" +
                                          std::string(in.substr(i + 2, close - i - 2)) + "}\"");
      }
      out += lookup(std::string(name), fallback);
      i = close;
      continue;
    }
    if (IsNameStart(next)) {
      size_t end = i + 1;
      while (end < in.size() && IsNameChar(in[end])) ++end;
      out += lookup(std::string(in.substr(i + 1, end - i - 1)), std::nullopt);
      i = end - 1;
      continue;
    }
    out.push_back(c);  // a lone "$" stays literal
  }
  return out;
}

absl::Status ExpandTree(Node* root, const EnvLookup& env, std::vector<std::string>* warnings) {
  std::vector<std::string> errors;
  auto visit = [&](auto&& self, Node& n) -> void {
    switch (n.kind()) {
      case Node::Kind::kScalar: {
        auto expanded = ExpandString(n.scalar(), n.location(), env, warnings);
        if (expanded.ok()) {
          n.mutable_scalar() = *std::move(expanded);
        } else {
          errors.push_back(std::string(expanded.status().message()));
        }
        break;
      }
      case Node::Kind::kSequence:
        for (Node& item : n.mutable_items()) self(self, item);
        break;
      case Node::Kind::kMap:
        for (Node::Entry& e : n.mutable_entries()) self(self, e.value);
        break;
      case Node::Kind::kNull:
        break;
    }
  };
  visit(visit, *root);
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
}

}  // namespace ocelot::config
