#include "config/printer.h"

#include <yaml-cpp/yaml.h>

#include "absl/strings/ascii.h"

namespace ocelot::config {
namespace {

constexpr std::string_view kRedacted = "[REDACTED]";

// "scheme://user:password@host..." with the password replaced; other strings as they are.
// Endpoints of any key can carry credentials this way (a clickhouse or otlphttp endpoint).
std::string RedactUrlPassword(const std::string& value) {
  const size_t scheme = value.find("://");
  if (scheme == std::string::npos) return value;
  const size_t authority = scheme + 3;
  const size_t end = value.find_first_of("/?#", authority);
  const size_t at = value.rfind('@', end == std::string::npos ? value.size() : end);
  if (at == std::string::npos || at < authority) return value;
  const size_t colon = value.find(':', authority);
  if (colon == std::string::npos || colon > at) return value;
  return value.substr(0, colon + 1) + std::string(kRedacted) + value.substr(at);
}

void Emit(YAML::Emitter& out, const Node& n, bool redact, bool redact_secrets) {
  switch (n.kind()) {
    case Node::Kind::kNull:
      out << YAML::Null;
      break;
    case Node::Kind::kScalar:
      if (redact && !n.scalar().empty()) {
        out << std::string(kRedacted);
      } else if (n.quoted()) {
        out << YAML::DoubleQuoted << (redact_secrets ? RedactUrlPassword(n.scalar()) : n.scalar());
      } else {
        out << (redact_secrets ? RedactUrlPassword(n.scalar()) : n.scalar());
      }
      break;
    case Node::Kind::kSequence:
      out << YAML::BeginSeq;
      for (const Node& item : n.items()) Emit(out, item, redact, redact_secrets);
      out << YAML::EndSeq;
      break;
    case Node::Kind::kMap:
      out << YAML::BeginMap;
      for (const Node::Entry& e : n.entries()) {
        out << YAML::Key << e.key << YAML::Value;
        Emit(out, e.value, redact || (redact_secrets && IsSecretKey(e.key)), redact_secrets);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

bool IsSecretKey(std::string_view key) {
  std::string lower = absl::AsciiStrToLower(std::string(key));
  for (std::string_view word : {"password", "passwd", "secret", "token", "authorization"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  // "key" alone or as a suffix (api_key, signoz-ingestion-key); not "key_file" (a path).
  return lower == "key" || lower.ends_with("_key") || lower.ends_with("-key") ||
         lower.ends_with("apikey");
}

std::string PrintYaml(const Node& root, bool redact) {
  YAML::Emitter out;
  Emit(out, root, false, redact);
  return std::string(out.c_str()) + "\n";
}

}  // namespace ocelot::config
