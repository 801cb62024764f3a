// Each check reads the tree as written (component configs need not be built to be checked),
// so the warnings hold for components other engineers have not landed yet.
#include "cmd/ocelot/lint.h"

#include <algorithm>
#include <set>

#include "config/decoder.h"
#include "config/expand.h"
#include "config/printer.h"
#include "config/values.h"

namespace ocelot::cmd {
namespace {

using config::Node;

const Node* At(const Node& root, std::initializer_list<std::string_view> keys) {
  const Node* n = &root;
  for (std::string_view k : keys) {
    n = n->Find(k);
    if (n == nullptr) return nullptr;
  }
  return n;
}

std::string TypeOf(const std::string& id) { return id.substr(0, id.find('/')); }

std::vector<std::string> ScalarList(const Node* n) {
  std::vector<std::string> out;
  if (n && n->is_sequence()) {
    for (const Node& item : n->items()) {
      if (item.is_scalar()) out.push_back(item.scalar());
    }
  }
  return out;
}

// Whether an endpoint listens only on this machine. An empty host (":4317") is every
// interface, as in Go. Unparseable endpoints are validate's business, not ours.
bool ReachableFromNetwork(const std::string& endpoint) {
  auto hp = config::ParseEndpoint(endpoint);
  if (!hp.ok()) return false;
  const std::string& h = hp->host;
  bool loopback = h == "localhost" || h.rfind("127.", 0) == 0 || h == "::1" || h == "[::1]" ||
                  h == "ip6-localhost";
  return !loopback;
}

// Receiver types whose "endpoint" (or "listen_address") is where they listen. Scrapers such as
// postgresql also have an "endpoint", but it names what they connect to.
bool Listens(const std::string& receiver_type) {
  static const std::set<std::string, std::less<>> kTypes = {
      "otlp",       "zipkin",   "jaeger",       "opencensus", "fluentforward", "statsd", "carbon",
      "skywalking", "signalfx", "splunk_hec",   "sapm",       "influxdb",      "loki",   "datadog",
      "awsxray",    "collectd", "webhookevent", "syslog",     "tcplog",        "udplog"};
  return kTypes.count(receiver_type) > 0;
}

// The first listening address in a receiver's subtree that other machines can reach.
const Node* NetworkEndpoint(const Node& n, const std::string& path, std::string* where) {
  if (!n.is_map()) return nullptr;
  for (const Node::Entry& e : n.entries()) {
    std::string child = path + "::" + e.key;
    if ((e.key == "endpoint" || e.key == "listen_address") && e.value.is_scalar() &&
        ReachableFromNetwork(e.value.scalar())) {
      *where = child;
      return &e.value;
    }
    if (const Node* found = NetworkEndpoint(e.value, child, where)) return found;
  }
  return nullptr;
}

void CheckMemoryLimiter(const Node& root, config::Diagnostics* diag) {
  const Node* receivers = root.Find("receivers");
  const Node* pipelines = At(root, {"service", "pipelines"});
  if (receivers == nullptr || pipelines == nullptr || !pipelines->is_map()) return;
  for (const Node::Entry& p : pipelines->entries()) {
    std::vector<std::string> processors = ScalarList(p.value.Find("processors"));
    if (std::any_of(processors.begin(), processors.end(),
                    [](const std::string& id) { return TypeOf(id) == "memory_limiter"; })) {
      continue;
    }
    for (const std::string& id : ScalarList(p.value.Find("receivers"))) {
      const Node* r = receivers->Find(id);
      std::string where;
      const Node* endpoint =
          r && Listens(TypeOf(id)) ? NetworkEndpoint(*r, "receivers::" + id, &where) : nullptr;
      if (endpoint == nullptr) continue;
      diag->Warning(p.key_location, "service::pipelines::" + p.key,
                    "receives from the network (" + where + " is " + endpoint->scalar() +
                        ") without a memory_limiter processor, so a burst of data can exhaust "
                        "memory; put memory_limiter first in its processors, or listen on "
                        "localhost");
      break;
    }
  }
}

void CheckManagementEndpoints(const Node& root, config::Diagnostics* diag) {
  struct Management {
    const char* type;
    const char* serves;
  };
  static const Management kManagement[] = {
      {"health_check", "the collector's health"},
      {"pprof", "CPU and memory profiles, and profiling costs CPU"},
      {"zpages", "live pipeline and trace internals"},
  };
  const Node* extensions = root.Find("extensions");
  for (const std::string& id : ScalarList(At(root, {"service", "extensions"}))) {
    const Node* cfg = extensions ? extensions->Find(id) : nullptr;
    const Node* endpoint = cfg ? cfg->Find("endpoint") : nullptr;
    if (endpoint == nullptr || !endpoint->is_scalar() ||
        !ReachableFromNetwork(endpoint->scalar())) {
      continue;  // absent: ocelot's defaults listen on localhost
    }
    for (const Management& m : kManagement) {
      if (TypeOf(id) != m.type) continue;
      diag->Warning(endpoint->location(), "extensions::" + id + "::endpoint",
                    std::string(m.type) + " listens on " + endpoint->scalar() +
                        ", reachable from the network; it serves " + m.serves +
                        "; listen on localhost, or restrict who can reach the port");
    }
  }
  const Node* metrics = At(root, {"service", "telemetry", "metrics"});
  const Node* address = metrics ? metrics->Find("address") : nullptr;
  const Node* level = metrics ? metrics->Find("level") : nullptr;
  if (address && address->is_scalar() && ReachableFromNetwork(address->scalar()) &&
      !(level && level->is_scalar() && level->scalar() == "none")) {
    diag->Warning(address->location(), "service::telemetry::metrics::address",
                  "the collector's own metrics listen on " + address->scalar() +
                      ", reachable from the network; listen on localhost, or restrict who can "
                      "reach the port");
  }
}

void CheckQueues(const Node& root, config::Diagnostics* diag) {
  const Node* exporters = root.Find("exporters");
  if (exporters == nullptr || !exporters->is_map()) return;
  for (const Node::Entry& e : exporters->entries()) {
    if (!HasSendingQueue(TypeOf(e.key))) continue;
    const Node* enabled = At(e.value, {"sending_queue", "enabled"});
    if (enabled == nullptr || !enabled->is_scalar()) continue;  // absent: enabled by default
    auto on = config::ParseBool(enabled->scalar());
    if (!on.ok() || *on) continue;
    diag->Warning(enabled->location(), "exporters::" + e.key + "::sending_queue::enabled",
                  "the sending queue is disabled, so while the backend is slow or down "
                  "batches cannot wait for it and are dropped; remove \"enabled: false\" (the "
                  "queue is on by default)");
  }
}

void CheckSecrets(const Node& n, const std::string& path, config::Diagnostics* diag) {
  auto visit = [&](const std::string& child, const Node& value, bool secret) {
    if (!secret || !value.is_scalar() || value.scalar().empty()) {
      CheckSecrets(value, child, diag);
      return;
    }
    // Expand twice: once with every variable unset (defaults apply), once with every
    // variable empty. Text that survives the first but not the second is a literal default.
    bool referenced = false;
    config::EnvLookup unset = [&](const std::string&) -> std::optional<std::string> {
      referenced = true;
      return std::nullopt;
    };
    config::EnvLookup empty = [](const std::string&) { return std::optional<std::string>(""); };
    auto with_defaults = config::ExpandString(value.scalar(), value.location(), unset, nullptr);
    auto without = config::ExpandString(value.scalar(), value.location(), empty, nullptr);
    if (!with_defaults.ok() || !without.ok()) return;  // expansion reports its own errors
    if (!referenced) {
      diag->Warning(value.location(), child,
                    "a secret written literally: anyone who can read this file, or a copy of "
                    "it, has it; write ${env:NAME} and set NAME in the environment");
    } else if (*with_defaults != *without) {
      diag->Warning(value.location(), child,
                    "a secret with a literal default (${env:NAME:-...}): when NAME is unset "
                    "the default is used and anyone who can read the file has it; give no "
                    "default");
    }
  };
  if (n.is_map()) {
    for (const Node::Entry& e : n.entries()) {
      visit(path.empty() ? e.key : path + "::" + e.key, e.value, IsSecretField(n, e));
    }
  } else if (n.is_sequence()) {
    for (size_t i = 0; i < n.items().size(); ++i) {
      visit(path + "[" + std::to_string(i) + "]", n.items()[i], false);
    }
  }
}

}  // namespace

bool IsSecretField(const Node& map, const Node::Entry& entry) {
  if (!config::IsSecretKey(entry.key)) return false;
  return !(entry.key == "key" && map.Find("action") != nullptr);
}

bool HasSendingQueue(std::string_view type) {
  static const std::set<std::string, std::less<>> kTypes = {
      "otlp",    "otlphttp",    "clickhouse", "datadog",   "zipkin",     "kafka",
      "loki",    "splunk_hec",  "sapm",       "signalfx",  "opencensus", "elasticsearch",
      "awsxray", "googlecloud", "influxdb",   "sumologic", "coralogix",  "logzio"};
  return kTypes.count(type) > 0;
}

std::vector<std::string> LintConfig(const Node& expanded, const Node& unexpanded) {
  config::Diagnostics diag;
  if (expanded.is_map()) {
    CheckMemoryLimiter(expanded, &diag);
    CheckManagementEndpoints(expanded, &diag);
    CheckQueues(expanded, &diag);
  }
  CheckSecrets(unexpanded, "", &diag);
  return diag.warnings();
}

}  // namespace ocelot::cmd
