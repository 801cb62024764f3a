// Each check says ✓ or ✗ with the reason: process up, health endpoint healthy, OTLP gRPC and
// HTTP accept a real (empty) export, exporters sending without new failures, memory under the
// memory_limiter's limit, queues not filling. Endpoints come from the same config the collector
// runs; 0.0.0.0 is checked through loopback.
#include "cmd/ocelot/verify.h"

#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "cmd/ocelot/load.h"
#include "cmd/ocelot/registry.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "service/history.h"

namespace ocelot::cmd {
namespace {

struct Check {
  std::string name;
  bool ok = false;
  std::string detail;
};

// Finds the first component of `type` (or type/name) in a section and returns its node.
const config::Node* FindComponent(const config::Node& root, const char* section,
                                  const std::string& type) {
  const config::Node* s = root.Find(section);
  if (!s || !s->is_map()) return nullptr;
  for (const auto& e : s->entries()) {
    if (e.key == type || e.key.rfind(type + "/", 0) == 0) return &e.value;
  }
  return nullptr;
}

std::string Scalar(const config::Node* n, std::initializer_list<const char*> path,
                   const std::string& fallback) {
  for (const char* key : path) {
    if (!n) return fallback;
    n = n->Find(key);
  }
  return n && n->is_scalar() && !n->scalar().empty() ? n->scalar() : fallback;
}

// 0.0.0.0:4317 and :4317 are reached through loopback.
std::string Reachable(std::string endpoint) {
  if (endpoint.rfind("0.0.0.0:", 0) == 0) return "127.0.0.1" + endpoint.substr(7);
  if (!endpoint.empty() && endpoint[0] == ':') return "127.0.0.1" + endpoint;
  return endpoint;
}

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

long Http(const std::string& method, const std::string& url, const std::string& body,
          const std::string& content_type, std::string* response) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  if (!content_type.empty()) {
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, response);
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  long code = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return code;
}

// name{labels} → value, from Prometheus text.
std::map<std::string, double> ParseMetrics(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::atof(line.c_str() + space + 1);
  }
  return out;
}

// Sum of every series of `name` whose labels contain `label_match` (empty: all).
double Sum(const std::map<std::string, double>& m, const std::string& name,
           const std::string& label_match = "") {
  double total = 0;
  for (const auto& [series, v] : m) {
    if (series.rfind(name, 0) != 0) continue;
    if (series.size() > name.size() && series[name.size()] != '{') continue;
    if (!label_match.empty() && series.find(label_match) == std::string::npos) continue;
    total += v;
  }
  return total;
}

std::vector<std::string> LabelValues(const std::map<std::string, double>& m,
                                     const std::string& label) {
  std::vector<std::string> out;
  for (const auto& [series, v] : m) {
    size_t p = series.find(label + "=\"");
    if (p == std::string::npos) continue;
    p += label.size() + 2;
    std::string value = series.substr(p, series.find('"', p) - p);
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
  }
  return out;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

int VerifyCommand(const Options& options) {
  component::Registry registry = BuildRegistry();
  Loaded loaded = Load(options, registry);
  if (!loaded.errors.empty()) {
    PrintErrors(loaded.errors);
    return 1;
  }
  const config::Node& root = loaded.root;
  std::vector<Check> checks;
  curl_global_init(CURL_GLOBAL_DEFAULT);

  // Process up: the pid the running collector left in its history directory.
  {
    service::ConfigHistory history(service::ConfigHistory::DefaultDir());
    std::ifstream pid_file(history.pid_path());
    int pid = 0;
    pid_file >> pid;
    Check c{"process"};
    c.ok = pid > 0 && ::kill(pid, 0) == 0;
    c.detail = c.ok ? "ocelot running as pid " + std::to_string(pid)
                    : "no running collector (no live pid in " + history.pid_path().string() + ")";
    checks.push_back(c);
  }
  if (const config::Node* hc = FindComponent(root, "extensions", "health_check")) {
    std::string url = "http://" + Reachable(Scalar(hc, {"endpoint"}, "localhost:13133")) +
                      Scalar(hc, {"path"}, "/");
    std::string body;
    long code = Http("GET", url, "", "", &body);
    checks.push_back({"health_check", code == 200,
                      url + " answered " + (code ? std::to_string(code) : "nothing") +
                          (code == 200 ? "" : ": " + body.substr(0, 200))});
  }
  if (const config::Node* otlp = FindComponent(root, "receivers", "otlp")) {
    const config::Node* protocols = otlp->Find("protocols");
    if (protocols && protocols->Find("grpc")) {
      std::string endpoint = Reachable(Scalar(protocols, {"grpc", "endpoint"}, "localhost:4317"));
      auto stub = opentelemetry::proto::collector::trace::v1::TraceService::NewStub(
          grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()));
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest req;
      opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse resp;
      grpc::Status s = stub->Export(&ctx, req, &resp);
      checks.push_back({"otlp grpc", s.ok(),
                        endpoint + (s.ok() ? " accepted an empty export"
                                           : " refused an empty export: " + s.error_message())});
    }
    if (protocols && protocols->Find("http")) {
      std::string endpoint = Reachable(Scalar(protocols, {"http", "endpoint"}, "localhost:4318"));
      std::string url =
          "http://" + endpoint + Scalar(protocols, {"http", "traces_url_path"}, "/v1/traces");
      std::string body;
      long code = Http("POST", url, "", "application/x-protobuf", &body);
      checks.push_back({"otlp http", code == 200,
                        url + " answered " + (code ? std::to_string(code) : "nothing")});
    }
  }
  // Exporters, memory and queues from the collector's own metrics, scraped twice so that a
  // failure counter still rising is told apart from failures long past.
  std::string level = Scalar(&root, {"service", "telemetry", "metrics", "level"}, "basic");
  if (level != "none") {
    std::string url =
        "http://" +
        Reachable(Scalar(&root, {"service", "telemetry", "metrics", "address"}, "localhost:8888")) +
        "/metrics";
    std::string first_text, second_text;
    long code = Http("GET", url, "", "", &first_text);
    if (code != 200) {
      checks.push_back({"metrics", false, url + " answered " + std::to_string(code)});
    } else {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      Http("GET", url, "", "", &second_text);
      auto before = ParseMetrics(first_text);
      auto after = ParseMetrics(second_text);
      for (const std::string& exporter : LabelValues(after, "exporter")) {
        std::string match = "exporter=\"" + exporter + "\"";
        double sent = Sum(after, "otelcol_exporter_sent_spans", match) +
                      Sum(after, "otelcol_exporter_sent_metric_points", match) +
                      Sum(after, "otelcol_exporter_sent_log_records", match);
        double failed_now = Sum(after, "otelcol_exporter_send_failed_spans", match) +
                            Sum(after, "otelcol_exporter_send_failed_metric_points", match) +
                            Sum(after, "otelcol_exporter_send_failed_log_records", match);
        double failed_before = Sum(before, "otelcol_exporter_send_failed_spans", match) +
                               Sum(before, "otelcol_exporter_send_failed_metric_points", match) +
                               Sum(before, "otelcol_exporter_send_failed_log_records", match);
        bool ok = failed_now == failed_before;
        std::ostringstream d;
        d << "sent " << static_cast<long long>(sent) << " items, "
          << static_cast<long long>(failed_now) << " failed"
          << (ok ? "" : " (failures still rising)");
        checks.push_back({"exporter " + exporter, ok, d.str()});
        double size = Sum(after, "otelcol_exporter_queue_size", match);
        double capacity = Sum(after, "otelcol_exporter_queue_capacity", match);
        if (capacity > 0) {
          std::ostringstream q;
          q << static_cast<long long>(size) << " of " << static_cast<long long>(capacity)
            << " batches queued";
          checks.push_back({"queue " + exporter, size < 0.8 * capacity, q.str()});
        }
      }
      double rss = Sum(after, "otelcol_process_memory_rss") / (1024.0 * 1024.0);
      if (const config::Node* ml = FindComponent(root, "processors", "memory_limiter")) {
        double limit = std::atof(Scalar(ml, {"limit_mib"}, "0").c_str());
        std::ostringstream m;
        m << "rss " << static_cast<long long>(rss) << " MiB, limit "
          << static_cast<long long>(limit) << " MiB";
        checks.push_back({"memory", limit <= 0 || rss < limit, m.str()});
      } else {
        checks.push_back({"memory", true,
                          "rss " + std::to_string(static_cast<long long>(rss)) +
                              " MiB (no memory_limiter configured)"});
      }
    }
  }
  curl_global_cleanup();

  bool all_ok = true;
  for (const Check& c : checks) all_ok = all_ok && c.ok;
  if (options.json) {
    std::cout << "{\"ok\":" << (all_ok ? "true" : "false") << ",\"checks\":[";
    for (size_t i = 0; i < checks.size(); ++i) {
      std::cout << (i ? "," : "") << "{\"name\":\"" << JsonEscape(checks[i].name)
                << "\",\"ok\":" << (checks[i].ok ? "true" : "false") << ",\"detail\":\""
                << JsonEscape(checks[i].detail) << "\"}";
    }
    std::cout << "]}\n";
  } else {
    for (const Check& c : checks) {
      std::cout << (c.ok ? "\u2713 " : "\u2717 ") << c.name << ": " << c.detail << "\n";
    }
    std::cout << (all_ok ? "all checks passed\n" : "some checks failed\n");
  }
  return all_ok ? 0 : 1;
}

}  // namespace ocelot::cmd
