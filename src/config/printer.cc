#include "config/printer.h"

#include <yaml-cpp/yaml.h>

#include "absl/strings/ascii.h"

namespace ocelot::config {
namespace {

constexpr std::string_view kRedacted = "[REDACTED]";

void Emit(YAML::Emitter& out, const Node& n, bool redact, bool redact_secrets) {
  switch (n.kind()) {
    case Node::Kind::kNull:
      out << YAML::Null;
      break;
    case Node::Kind::kScalar:
      if (redact && !n.scalar().empty()) {
        out << std::string(kRedacted);
      } else if (n.quoted()) {
        out << YAML::DoubleQuoted << n.scalar();
      } else {
        out << n.scalar();
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
