// The clickhouse exporter's option table and the endpoint → connection resolution.
#include "exporter/clickhouse/config.h"

#include <algorithm>
#include <cctype>

namespace ocelot::exporter::clickhouse {
namespace {

// DSN keys clickhouse-go interprets itself instead of sending them as settings. Of these,
// ocelot acts on compress, dial_timeout, secure and skip_verify; the rest tune the Go driver.
const std::vector<std::string>& DriverKeys() {
  static const std::vector<std::string> kKeys = {"compress",
                                                 "dial_timeout",
                                                 "read_timeout",
                                                 "secure",
                                                 "skip_verify",
                                                 "block_buffer_size",
                                                 "max_compression_buffer",
                                                 "connection_open_strategy",
                                                 "debug",
                                                 "max_open_conns",
                                                 "max_idle_conns",
                                                 "conn_max_lifetime",
                                                 "username",
                                                 "password",
                                                 "database",
                                                 "client_info_product",
                                                 "compress_level",
                                                 "http_proxy"};
  return kKeys;
}

bool IsDriverKey(const std::string& key) {
  const auto& keys = DriverKeys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The parts of an endpoint URL.
struct Url {
  std::string scheme;  // lower case
  std::string user;
  std::optional<std::string> password;
  std::string host;  // with brackets for IPv6
  std::string port;  // "" when absent
  std::string path;  // without the leading '/'
  std::vector<std::pair<std::string, std::string>> query;
};

absl::StatusOr<Url> ParseUrl(std::string_view text) {
  Url url;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    return absl::InvalidArgumentError("endpoint must be a URL such as http://host:8123 (got \"" +
                                      std::string(text) + "\")");
  }
  url.scheme = Lower(text.substr(0, sep));
  std::string_view rest = text.substr(sep + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view info = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = info.find(':');
    url.user = PercentDecode(info.substr(0, colon), false);
    if (colon != std::string_view::npos) {
      url.password = PercentDecode(info.substr(colon + 1), false);
    }
  }
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError("endpoint has an unterminated IPv6 address");
    }
    url.host = std::string(authority.substr(0, close + 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return absl::InvalidArgumentError("endpoint has an invalid port");
      url.port = std::string(after.substr(1));
    }
  } else {
    size_t colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) url.port = std::string(authority.substr(colon + 1));
  }
  if (url.host.empty()) return absl::InvalidArgumentError("endpoint has no host");
  if (!url.port.empty() &&
      (url.port.size() > 5 ||
       !std::all_of(url.port.begin(), url.port.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
       std::stoi(url.port) > 65535 || std::stoi(url.port) == 0)) {
    return absl::InvalidArgumentError("endpoint has an invalid port \"" + url.port + "\"");
  }
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.path = PercentDecode(path, false);
  if (q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      url.query.emplace_back(
          PercentDecode(pair.substr(0, eq), true),
          eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true));
    }
  }
  return url;
}

// What to tell a user who gave a native-protocol endpoint.
std::string NativeRefusal(const std::string& scheme, const Url& url) {
  bool tls = url.port == "9440";
  for (const auto& [k, v] : url.query) {
    if (k == "secure" && (v == "true" || v == "1")) tls = true;
  }
  std::string http =
      std::string(tls ? "https://" : "http://") + url.host + ":" + (tls ? "8443" : "8123");
  return "the ClickHouse native protocol (" + scheme +
         "://) is not supported by ocelot; use the HTTP interface instead, e.g. " + http;
}

bool IsTrue(const std::string& v) {
  std::string l = Lower(v);
  return l == "true" || l == "1";
}

// Resolves and collects every problem; `out` is filled as far as possible.
std::vector<std::pair<std::string, std::string>> Resolve(const Config& c, Connection* out) {
  std::vector<std::pair<std::string, std::string>> problems;
  if (c.endpoint.empty()) {
    problems.emplace_back("endpoint", "endpoint must be specified");
    return problems;
  }
  auto parsed = ParseUrl(c.endpoint);
  if (!parsed.ok()) {
    problems.emplace_back("endpoint", std::string(parsed.status().message()));
    return problems;
  }
  const Url& url = *parsed;
  if (url.scheme != "http" && url.scheme != "https") {
    problems.emplace_back("endpoint", NativeRefusal(url.scheme, url));
    return problems;
  }
  if (url.host.find(',') != std::string::npos || url.port.find(',') != std::string::npos) {
    problems.emplace_back("endpoint",
                          "several hosts in one endpoint are not supported by ocelot; give one "
                          "host (a load balancer in front of several servers works)");
    return problems;
  }
  // The DSN's query: the endpoint's own parameters, overridden by connection_params.
  std::vector<std::pair<std::string, std::string>> params = url.query;
  for (const auto& [k, v] : c.connection_params) {
    auto it =
        std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == k; });
    if (it != params.end()) {
      it->second = v;
    } else {
      params.emplace_back(k, v);
    }
  }
  bool tls = url.scheme == "https";
  std::string compression = c.compress;
  for (const auto& [k, v] : params) {
    const bool from_params = c.connection_params.count(k) > 0;
    const std::string where = from_params ? "connection_params" : "endpoint";
    if (k == "secure") {
      if (IsTrue(v) && !tls) {
        problems.emplace_back(where, "secure=true needs an https:// endpoint in ocelot (e.g. " +
                                         std::string("https://") + url.host + ":8443)");
      }
    } else if (k == "skip_verify") {
      out->verify_peer = !IsTrue(v);
    } else if (k == "dial_timeout") {
      auto d = config::ParseDuration(v);
      if (!d.ok() || d->count() <= 0) {
        problems.emplace_back(where, "dial_timeout: invalid duration \"" + v + "\"");
      } else {
        out->connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
      }
    } else if (k == "compress") {
      if (c.compress.empty()) compression = IsTrue(v) ? "lz4" : (Lower(v) == "false" ? "" : v);
    } else if (IsDriverKey(k)) {
      // Tunes the Go driver's connection handling; libcurl has its own.
    } else if (!IsPlainIdentifier(k)) {
      problems.emplace_back(where, "\"" + k + "\" is not a ClickHouse setting name");
    } else {
      std::string value = Lower(v) == "true" ? "1" : Lower(v) == "false" ? "0" : v;
      out->settings.emplace_back(k, value);
    }
  }
  compression = Lower(compression);
  if (compression == "none" || compression == "false") compression = "";
  if (compression == "lz4" || compression == "true") compression = "zstd";
  if (compression == "zlib") compression = "deflate";
  if (!compression.empty() && compression != "gzip" && compression != "deflate" &&
      compression != "zstd") {
    problems.emplace_back(
        c.compress.empty() ? "connection_params" : "compress",
        "unsupported compression \"" + compression + "\"; use zstd, gzip, deflate or none");
  }
  out->compression = compression;
  std::string port = url.port.empty() ? (tls ? "8443" : "8123") : url.port;
  out->base_url = url.scheme + "://" + url.host + ":" + port;
  if (!c.username.empty()) {
    out->user = c.username;
    out->password = c.password;
  } else if (!url.user.empty()) {
    out->user = url.user;
    out->password = url.password.value_or("");
  } else {
    out->password = c.password;
  }
  // 0.96 replaces the URL path by `database` when set; with an empty database the path (or
  // the driver's "default") is used.
  out->database = !c.database.empty() ? c.database : !url.path.empty() ? url.path : "default";
  if (!IsPlainIdentifier(out->database)) {
    problems.emplace_back(c.database.empty() ? "endpoint" : "database",
                          "database name \"" + out->database +
                              "\" must be a plain identifier (letters, digits, underscore)");
  }
  return problems;
}

}  // namespace

bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::vector<std::pair<std::string, std::string>> ConnectionProblems(const Config& config) {
  Connection ignored;
  return Resolve(config, &ignored);
}

absl::StatusOr<Connection> ResolveConnection(const Config& config) {
  Connection c;
  auto problems = Resolve(config, &c);
  if (!problems.empty()) {
    return absl::InvalidArgumentError(problems.front().first + ": " + problems.front().second);
  }
  return c;
}

void Config::Decode(config::MapDecoder& d) {
  exporterhelper::DecodeTimeout(d, &helper.timeout);
  exporterhelper::DecodeRetry(d, &helper.retry);
  exporterhelper::DecodeQueue(d, &helper.queue);
  d.Field("endpoint", &endpoint);
  d.Field("username", &username);
  d.Field("password", &password);
  d.Field("database", &database);
  d.Field("connection_params", &connection_params);
  d.Field("traces_table_name", &traces_table_name);
  d.Field("logs_table_name", &logs_table_name);
  d.Field("metrics_table_name", &metrics_table_name);
  d.Field("ttl_days", &ttl_days);
  d.Field("ttl", &ttl);
  d.Field("create_schema", &create_schema);
  d.Field("cluster_name", &cluster_name);
  d.Object("table_engine", [&](config::MapDecoder& t) {
    t.Field("name", &table_engine.name);
    t.Field("params", &table_engine.params);
  });
  d.Field("compress", &compress);
  if (const config::Node* n = d.Peek("ttl_days"); n != nullptr && ttl_days > 0) {
    d.diagnostics()->Warning(n->location(), d.PathOf("ttl_days"),
                             "ttl_days is deprecated, use ttl instead (e.g. ttl: " +
                                 std::to_string(ttl_days * 24) + "h)");
  }
}

void Config::Validate(config::MapDecoder& d) const {
  exporterhelper::ValidateTimeout(d, helper.timeout);
  exporterhelper::ValidateRetry(d, helper.retry);
  exporterhelper::ValidateQueue(d, helper.queue);
  for (const auto& [key, message] : ConnectionProblems(*this)) d.Error(key, message);
  if (ttl_days > 0 && ttl.count() > 0) {
    d.Error("ttl", "both 'ttl_days' and 'ttl' are set; 'ttl_days' is deprecated, use only 'ttl'");
  }
  if (ttl.count() < 0) d.Error("ttl", "ttl must not be negative");
  for (const auto& [key, name] :
       {std::pair<const char*, const std::string*>{"traces_table_name", &traces_table_name},
        {"logs_table_name", &logs_table_name},
        {"metrics_table_name", &metrics_table_name},
        {"cluster_name", &cluster_name}}) {
    if (name->empty() && std::string_view(key) == "cluster_name") continue;
    if (!IsPlainIdentifier(*name)) {
      d.Error(key, std::string(key) + " \"" + *name +
                       "\" must be a plain identifier (letters, digits, underscore)");
    }
  }
  if (!IsPlainIdentifier(table_engine.name)) {
    d.Error("table_engine", "table_engine::name \"" + table_engine.name +
                                "\" must be an engine name such as MergeTree or "
                                "ReplicatedMergeTree");
  }
}

std::vector<std::string> Config::Summary() const {
  auto c = ResolveConnection(*this);
  if (!c.ok()) return {"ClickHouse (invalid endpoint)"};
  std::string line =
      "ClickHouse over HTTP at " + c->base_url + ", database " + c->database + ", user " + c->user;
  if (!c->compression.empty()) line += ", " + c->compression + " bodies";
  if (!create_schema) line += ", schema not created (create_schema: false)";
  return {line, exporterhelper::DescribeQueue(helper.queue)};
}

}  // namespace ocelot::exporter::clickhouse
