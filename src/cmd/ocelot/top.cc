#include "cmd/ocelot/top.h"

#include <curl/curl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>

#include "config/resolve.h"
#include "config/values.h"

namespace ocelot::cmd {
namespace {

using telemetry::Labels;
using telemetry::Sample;

std::string Label(const Labels& labels, const std::string& key) {
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return "";
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

absl::StatusOr<std::string> Fetch(const std::string& url) {
  std::string body;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("cannot initialise libcurl");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return absl::UnavailableError("cannot read " + url + ": " + curl_easy_strerror(rc) +
                                  " (is the collector running with metrics on?)");
  }
  if (status != 200) {
    return absl::UnavailableError("cannot read " + url + ": HTTP " + std::to_string(status));
  }
  return body;
}

std::string Rate(double per_second) {
  char buf[32];
  if (per_second >= 1e6) {
    std::snprintf(buf, sizeof(buf), "%.2fM", per_second / 1e6);
  } else if (per_second >= 1e4) {
    std::snprintf(buf, sizeof(buf), "%.1fk", per_second / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f", per_second);
  }
  return buf;
}

std::string Count(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.0f", v);
  return buf;
}

std::string Mib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MiB", bytes / (1 << 20));
  return buf;
}

std::string Uptime(double s) {
  long long t = static_cast<long long>(s);
  char buf[40];
  if (t >= 86400) {
    std::snprintf(buf, sizeof(buf), "%lldd%02lldh%02lldm", t / 86400, t / 3600 % 24, t / 60 % 60);
  } else if (t >= 3600) {
    std::snprintf(buf, sizeof(buf), "%lldh%02lldm%02llds", t / 3600, t / 60 % 60, t % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%lldm%02llds", t / 60, t % 60);
  }
  return buf;
}

std::string Pad(const std::string& s, size_t width, bool right) {
  if (s.size() >= width) return s;
  std::string fill(width - s.size(), ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

std::vector<Sample> ParsePrometheusText(const std::string& text) {
  std::vector<Sample> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    bool ok = true;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (ok && i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          ok = false;
          break;
        }
        std::string key = line.substr(i, eq - i);
        std::string value;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) {
            ++j;
            value.push_back(line[j] == 'n' ? '\n' : line[j]);
          } else {
            value.push_back(line[j]);
          }
        }
        if (j >= line.size()) {
          ok = false;
          break;
        }
        s.labels.emplace_back(std::move(key), std::move(value));
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) ok = false;
      ++i;  // '}'
    }
    if (!ok || s.name.empty()) continue;
    while (i < line.size() && line[i] == ' ') ++i;
    std::string value = line.substr(i, line.find(' ', i) - i);
    if (value == "+Inf") {
      s.value = INFINITY;
    } else if (value == "-Inf") {
      s.value = -INFINITY;
    } else {
      char* e = nullptr;
      s.value = std::strtod(value.c_str(), &e);
      if (e == value.c_str()) continue;
    }
    out.push_back(std::move(s));
  }
  return out;
}

TopSnapshot BuildSnapshot(const std::vector<Sample>& samples) {
  TopSnapshot snap;
  std::map<std::string, TopRow> rows;
  auto row = [&](const std::string& kind, const std::string& id) -> TopRow& {
    TopRow& r = rows[kind + "/" + id];
    r.component = kind + "/" + id;
    return r;
  };
  for (const Sample& s : samples) {
    const std::string& n = s.name;
    if (n == "otelcol_process_uptime") snap.uptime_seconds = s.value;
    if (n == "otelcol_process_cpu_seconds") snap.cpu_seconds = s.value;
    if (n == "otelcol_process_memory_rss") snap.rss_bytes = s.value;
    if (n == "otelcol_process_runtime_heap_alloc_bytes") snap.heap_bytes = s.value;
    if (snap.instance.empty()) snap.instance = Label(s.labels, "service_instance_id");
    if (snap.version.empty()) snap.version = Label(s.labels, "service_version");

    if (std::string id = Label(s.labels, "receiver"); !id.empty()) {
      if (StartsWith(n, "otelcol_receiver_accepted_")) {
        row("receiver", id).in += s.value;
        row("receiver", id).out += s.value;
      } else if (StartsWith(n, "otelcol_receiver_refused_")) {
        row("receiver", id).in += s.value;
        row("receiver", id).refused += s.value;
      }
    } else if (std::string id = Label(s.labels, "exporter"); !id.empty()) {
      TopRow& r = row("exporter", id);
      if (StartsWith(n, "otelcol_exporter_sent_")) {
        r.in += s.value;
        r.out += s.value;
      } else if (StartsWith(n, "otelcol_exporter_send_failed_") ||
                 StartsWith(n, "otelcol_exporter_enqueue_failed_")) {
        r.in += s.value;
        r.failed += s.value;
      } else if (n == "otelcol_exporter_queue_size") {
        r.queue_size = r.queue_size.value_or(0) + s.value;
      } else if (n == "otelcol_exporter_queue_capacity") {
        r.queue_capacity = r.queue_capacity.value_or(0) + s.value;
      }
    } else if (std::string id = Label(s.labels, "processor"); !id.empty()) {
      TopRow& r = row("processor", id);
      if (StartsWith(n, "otelcol_processor_accepted_")) {
        r.in += s.value;
        r.out += s.value;
      } else if (StartsWith(n, "otelcol_processor_refused_") ||
                 StartsWith(n, "otelcol_processor_dropped_")) {
        r.in += s.value;
        r.refused += s.value;
      } else if (n == "otelcol_processor_batch_batch_send_size_sum") {
        // The batch processor reports what it sends; what it holds is not exported.
        r.out += s.value;
        r.in += s.value;
      }
    }
  }
  for (const char* kind : {"receiver/", "processor/", "exporter/"}) {
    for (auto& [key, r] : rows) {
      if (StartsWith(key, kind)) snap.rows.push_back(r);
    }
  }
  return snap;
}

std::string RenderTop(const TopSnapshot& now, const TopSnapshot* before, const std::string& url) {
  double dt = before ? now.uptime_seconds - before->uptime_seconds : now.uptime_seconds;
  if (dt <= 0) dt = 1e-9;
  double cpu = before ? now.cpu_seconds - before->cpu_seconds : now.cpu_seconds;
  char cpu_text[32];
  std::snprintf(cpu_text, sizeof(cpu_text), "%.1f%%", 100.0 * cpu / dt);

  std::string out = "ocelot " + (now.version.empty() ? std::string("?") : now.version) + "  " +
                    url + "  up " + Uptime(now.uptime_seconds) + "  RSS " + Mib(now.rss_bytes) +
                    "  heap " + Mib(now.heap_bytes) + "  CPU " + cpu_text + "\n";
  out += before ? "rates over the last " + Rate(dt) + " s\n" : "rates averaged since start\n";
  out += Pad("COMPONENT", 28, false) + Pad("IN/s", 10, true) + Pad("OUT/s", 10, true) +
         Pad("REFUSED", 10, true) + Pad("FAILED", 10, true) + Pad("QUEUE", 14, true) + "\n";
  for (const TopRow& r : now.rows) {
    const TopRow* prev = nullptr;
    if (before) {
      for (const TopRow& b : before->rows) {
        if (b.component == r.component) prev = &b;
      }
    }
    double in = r.in - (prev ? prev->in : 0);
    double o = r.out - (prev ? prev->out : 0);
    std::string queue = "-";
    if (r.queue_size) {
      queue = Count(*r.queue_size);
      if (r.queue_capacity && *r.queue_capacity > 0) {
        char pct[16];
        std::snprintf(pct, sizeof(pct), " (%.0f%%)", 100.0 * *r.queue_size / *r.queue_capacity);
        queue += pct;
      }
    }
    out += Pad(r.component, 28, false) + Pad(Rate(in / dt), 10, true) +
           Pad(Rate(o / dt), 10, true) + Pad(Count(r.refused), 10, true) +
           Pad(Count(r.failed), 10, true) + Pad(queue, 14, true) + "\n";
  }
  if (now.rows.empty()) out += "(no component has reported yet)\n";
  return out;
}

absl::StatusOr<std::string> MetricsUrlFromConfig(const Options& options) {
  std::vector<config::Source> sources;
  for (const auto& c : options.configs) sources.push_back({c, ""});
  auto resolved = config::Resolve(sources, options.sets, config::ProcessEnvironment());
  if (!resolved.ok()) return resolved.status();
  std::string address = "localhost:8888";
  const config::Node* metrics = nullptr;
  if (const config::Node* s = resolved->root.Find("service")) {
    if (const config::Node* t = s->Find("telemetry")) metrics = t->Find("metrics");
  }
  if (metrics) {
    if (const config::Node* level = metrics->Find("level");
        level && level->is_scalar() && level->scalar() == "none") {
      return absl::FailedPreconditionError(
          "service::telemetry::metrics::level is none in this config: the collector serves no "
          "metrics to watch");
    }
    if (const config::Node* a = metrics->Find("address"); a && a->is_scalar()) {
      address = a->scalar();
    }
  }
  auto hp = config::ParseEndpoint(address);
  if (!hp.ok()) return hp.status();
  std::string host = hp->host;
  // A server on every interface is reached on loopback.
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") host = "127.0.0.1";
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(hp->port) + "/metrics";
}

int TopCommand(const Options& options) {
  std::string url = options.metrics_url;
  if (url.empty()) {
    if (options.configs.empty()) {
      url = "http://127.0.0.1:8888/metrics";  // otelcol's default address
    } else {
      auto from_config = MetricsUrlFromConfig(options);
      if (!from_config.ok()) {
        std::cerr << "Error: " << from_config.status().message() << "\n";
        return 1;
      }
      url = *from_config;
    }
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const bool tty = isatty(STDOUT_FILENO) == 1;
  std::optional<TopSnapshot> before;
  for (;;) {
    auto text = Fetch(url);
    if (!text.ok()) {
      std::cerr << "Error: " << text.status().message() << "\n";
      return 1;
    }
    TopSnapshot now = BuildSnapshot(ParsePrometheusText(*text));
    std::string screen = RenderTop(now, before ? &*before : nullptr, url);
    if (tty) {
      std::cout << "\x1b[H\x1b[2J" << screen << std::flush;  // home, clear: redraw in place
    } else {
      std::cout << screen << "\n" << std::flush;
    }
    if (options.once) return 0;
    before = std::move(now);
    ::poll(nullptr, 0, 1000);  // the refresh period
  }
}

}  // namespace ocelot::cmd
