#include "config/values.h"

#include <charconv>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace ocelot::config {

absl::StatusOr<Duration> ParseDuration(std::string_view s) {
  const std::string original(s);
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError("invalid duration \"" + original + "\": " + why +
                                      " (examples: 200ms, 5s, 1m30s)");
  };
  if (s.empty()) return bad("empty");
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration(0);
  if (s.empty()) return bad("no number");
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return bad("expected a number at \"" + std::string(s) + "\"");
    std::string number(s.substr(0, i));
    if (number == ".") return bad("expected a number");
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && !((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) ++j;
    std::string_view unit = s.substr(0, j);
    s.remove_prefix(j);
    long double scale;
    if (unit == "ns") {
      scale = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      scale = 1e3;
    } else if (unit == "ms") {
      scale = 1e6;
    } else if (unit == "s") {
      scale = 1e9;
    } else if (unit == "m") {
      scale = 60e9;
    } else if (unit == "h") {
      scale = 3600e9;
    } else if (unit.empty()) {
      return bad("missing unit");
    } else {
      return bad("unknown unit \"" + std::string(unit) + "\"");
    }
    total += std::stold(number) * scale;
  }
  if (total > 9.2e18L) return bad("out of range");
  return Duration(static_cast<int64_t>(negative ? -total : total));
}

namespace {
// "1.500000" -> "1.5", "2.000000" -> "2".
std::string TrimmedDecimal(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}
}  // namespace

std::string FormatDuration(Duration d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string out = ns < 0 ? "-" : "";
  uint64_t u = ns < 0 ? -static_cast<uint64_t>(ns) : ns;
  if (u < 1000) return out + std::to_string(u) + "ns";
  if (u < 1000000) return out + TrimmedDecimal(u / 1e3) + "\u00b5s";
  if (u < 1000000000) return out + TrimmedDecimal(u / 1e6) + "ms";
  uint64_t hours = u / 3600000000000ULL;
  u %= 3600000000000ULL;
  uint64_t minutes = u / 60000000000ULL;
  u %= 60000000000ULL;
  if (hours) out += std::to_string(hours) + "h";
  if (hours || minutes) out += std::to_string(minutes) + "m";
  return out + TrimmedDecimal(u / 1e9) + "s";
}

absl::StatusOr<bool> ParseBool(std::string_view s) {
  // YAML 1.1 words that Go's yaml.v3 accepts for bool fields.
  std::string lower = absl::AsciiStrToLower(std::string(s));
  if (lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "no" || lower == "off") return false;
  return absl::InvalidArgumentError("expected true or false, got \"" + std::string(s) + "\"");
}

absl::StatusOr<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  std::string t(absl::StripAsciiWhitespace(std::string(s)));
  if (!absl::SimpleAtoi(t, &v)) {
    return absl::InvalidArgumentError("expected an integer, got \"" + std::string(s) + "\"");
  }
  return v;
}

absl::StatusOr<double> ParseDouble(std::string_view s) {
  double v = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(std::string(s)), &v) || std::isnan(v)) {
    return absl::InvalidArgumentError("expected a number, got \"" + std::string(s) + "\"");
  }
  return v;
}

absl::StatusOr<HostPort> ParseEndpoint(std::string_view s) {
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError("invalid endpoint \"" + std::string(s) + "\": " + why +
                                      " (expected host:port, e.g. localhost:4317)");
  };
  HostPort hp;
  std::string_view port;
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return bad("missing \"]\"");
    hp.host = std::string(s.substr(1, close - 1));
    if (close + 1 >= s.size() || s[close + 1] != ':') return bad("missing port");
    port = s.substr(close + 2);
  } else {
    size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) return bad("missing port");
    if (s.substr(0, colon).find(':') != std::string_view::npos) {
      return bad("too many colons (write IPv6 addresses in brackets)");
    }
    hp.host = std::string(s.substr(0, colon));
    port = s.substr(colon + 1);
  }
  int value = -1;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value < 0 ||
      value > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  hp.port = static_cast<uint16_t>(value);
  return hp;
}

}  // namespace ocelot::config
