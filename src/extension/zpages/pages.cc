#include "extension/zpages/pages.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>

#include "telemetry/process_metrics.h"

#ifndef OCELOT_VERSION
#define OCELOT_VERSION "0.0.0"
#endif

namespace ocelot::extension::zpages {
namespace {

using component::Id;
using telemetry::Labels;
using telemetry::Sample;

constexpr char kStyle[] = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#27364a;color:#fff;padding:.6em 1.5em}
header b{font-size:1.2em;margin-right:1.5em}
header a{color:#cfe0ff;margin-right:1em;text-decoration:none}
header a.on{color:#fff;font-weight:bold;text-decoration:underline}
main{padding:1em 1.5em;max-width:80em}
h1{font-size:1.4em;margin:.4em 0 .8em}h2{font-size:1.15em;margin:1.4em 0 .5em}
table{border-collapse:collapse;background:#fff;margin-bottom:1em}
th,td{border:1px solid #d6d9de;padding:.3em .7em;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#b00020;font-weight:600}.ok{color:#11772d}.muted{color:#6b7280}
pre{background:#fff;border:1px solid #d6d9de;padding:.8em;overflow:auto;font-size:.9em}
)";

const char* kPages[][2] = {{"servicez", "Service"},
                           {"pipelinez", "Pipelines"},
                           {"extensionz", "Extensions"},
                           {"featurez", "Features"},
                           {"tracez", "Traces"}};

std::string Page(const std::string& current, const std::string& title, const std::string& body) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\"><title>" +
      HtmlEscape(title) + " - ocelot zPages</title><style>" + kStyle +
      "</style></head>\n<body><header><b>ocelot</b>";
  for (const auto& [page, label] : kPages) {
    out += "<a href=\"/debug/" + std::string(page) + "\"" +
           (current == page ? " class=\"on\"" : "") + ">" + label + "</a>";
  }
  out += "</header>\n<main><h1>" + HtmlEscape(title) + "</h1>\n" + body + "</main></body></html>\n";
  return out;
}

std::string FormatTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  double s = std::chrono::duration<double>(d).count();
  char buf[48];
  if (s < 1e-3) {
    std::snprintf(buf, sizeof(buf), "%.1f µs", s * 1e6);
  } else if (s < 1) {
    std::snprintf(buf, sizeof(buf), "%.2f ms", s * 1e3);
  } else if (s < 120) {
    std::snprintf(buf, sizeof(buf), "%.2f s", s);
  } else {
    long long secs = static_cast<long long>(s);
    std::snprintf(buf, sizeof(buf), "%lldd %02lldh %02lldm %02llds", secs / 86400, secs / 3600 % 24,
                  secs / 60 % 60, secs % 60);
  }
  return buf;
}

std::string FormatBytes(double b) {
  char buf[32];
  if (b >= 1 << 30) {
    std::snprintf(buf, sizeof(buf), "%.2f GiB", b / (1 << 30));
  } else if (b >= 1 << 20) {
    std::snprintf(buf, sizeof(buf), "%.1f MiB", b / (1 << 20));
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f KiB", b / 1024);
  }
  return buf;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.0f", v);
  return buf;
}

std::string Row(std::initializer_list<std::string> cells, bool header = false) {
  std::string out = "<tr>";
  for (const auto& c : cells) out += (header ? "<th>" : "<td>") + c + (header ? "</th>" : "</td>");
  return out + "</tr>\n";
}

std::string LabelValue(const Labels& labels, const std::string& key) {
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return "";
}

// Sums of the collector's counters by metric name and one identifying label.
class Counters {
 public:
  explicit Counters(const telemetry::MetricsRegistry* metrics) {
    if (metrics != nullptr) samples_ = metrics->Snapshot("otelcol_");
  }
  bool Has(const std::string& name, const std::string& key, const std::string& value) const {
    for (const Sample& s : samples_) {
      if (s.name == name && LabelValue(s.labels, key) == value) return true;
    }
    return false;
  }
  double Sum(const std::string& name, const std::string& key, const std::string& value) const {
    double total = 0;
    for (const Sample& s : samples_) {
      if (s.name == name && LabelValue(s.labels, key) == value) total += s.value;
    }
    return total;
  }
  double Get(const std::string& name) const {
    for (const Sample& s : samples_) {
      if (s.name == name) return s.value;
    }
    return -1;
  }

 private:
  std::vector<Sample> samples_;
};

std::string SignalOfPipeline(const std::string& name) { return name.substr(0, name.find('/')); }

std::string ItemsOf(const std::string& signal) {
  if (signal == "traces") return "spans";
  if (signal == "metrics") return "metric_points";
  return "log_records";
}

}  // namespace

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string UrlEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string UrlDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string QueryParam(const std::string& query, const std::string& key) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(pos, end - pos);
    size_t eq = pair.find('=');
    if (UrlDecode(pair.substr(0, eq)) == key) {
      return eq == std::string::npos ? "" : UrlDecode(pair.substr(eq + 1));
    }
    pos = end + 1;
  }
  return "";
}

std::string ServicezPage(const PageContext& ctx) {
  const component::CollectorDescription* d = ctx.description;
  std::string body;
  body += "<h2>Build</h2><table>";
  body += Row({"Command", "ocelot"});
  body += Row({"Version", HtmlEscape(d && !d->version.empty() ? d->version : OCELOT_VERSION)});
  body += Row({"Compatible with", "otelcol-contrib 0.96.0 configuration and telemetry"});
  body += "</table>\n<h2>Runtime</h2><table>";
  if (d && d->start_time != std::chrono::system_clock::time_point{}) {
    body += Row({"Start time", FormatTime(d->start_time)});
    body += Row({"Uptime", FormatDuration(ctx.now - d->start_time)});
  }
  body += Row({"Process id", std::to_string(getpid())});
  if (ctx.metrics) {
    for (const auto& [k, v] : ctx.metrics->const_labels()) {
      body += Row({HtmlEscape(k), "<code>" + HtmlEscape(v) + "</code>"});
    }
  }
  body += Row({"Resident memory", FormatBytes(telemetry::ProcessRssBytes())});
  body += Row({"CPU time", FormatDuration(std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::duration<double>(telemetry::ProcessCpuSeconds())))});
  body += "</table>\n";

  body += "<h2>Configuration summary</h2>";
  if (d == nullptr) {
    body += "<p class=\"muted\">Not known: this extension runs outside a collector.</p>";
  } else {
    body += "<table>" +
            Row({"Pipelines", std::to_string(d->pipelines.size()) +
                                  " (<a href=\"/debug/pipelinez\">details</a>)"}) +
            Row({"Extensions", std::to_string(d->extensions.size()) +
                                   " (<a href=\"/debug/extensionz\">details</a>)"}) +
            "</table>";
    if (!d->summary.empty()) {
      body += "<table>" + Row({"Where components listen and write"}, true);
      for (const auto& line : d->summary) body += Row({HtmlEscape(line)});
      body += "</table>";
    }
    if (!d->effective_config.empty()) {
      body +=
          "<details><summary>Effective configuration (passwords, keys, tokens and secrets "
          "redacted)</summary><pre>" +
          HtmlEscape(d->effective_config) + "</pre></details>";
    }
  }
  return Page("servicez", "Service", body);
}

std::string PipelinezPage(const PageContext& ctx) {
  const component::CollectorDescription* d = ctx.description;
  if (d == nullptr) {
    return Page("pipelinez", "Pipelines", "<p class=\"muted\">No pipelines are known.</p>");
  }
  Counters counters(ctx.metrics);
  std::map<std::string, telemetry::ComponentStatus> status;
  if (ctx.metrics) {
    for (auto& s : ctx.metrics->component_status().Snapshot(std::chrono::minutes(5))) {
      status[s.component] = s;
    }
  }
  std::string body =
      "<p>Each pipeline with its components, in the order data flows, and the counters the "
      "collector reports for them on its metrics endpoint (totals since start).</p>";
  for (const component::PipelineDescription& p : d->pipelines) {
    const std::string signal = SignalOfPipeline(p.name);
    const std::string items = ItemsOf(signal);
    body += "<h2>Pipeline <code>" + HtmlEscape(p.name) + "</code></h2><table>";
    body += Row({"Stage", "Component", "Items in", "Items out", "Refused / failed", "Notes"}, true);
    for (const Id& id : p.receivers) {
      const std::string r = id.ToString();
      double accepted = counters.Sum("otelcol_receiver_accepted_" + items, "receiver", r);
      double refused = counters.Sum("otelcol_receiver_refused_" + items, "receiver", r);
      bool known = counters.Has("otelcol_receiver_accepted_" + items, "receiver", r) ||
                   counters.Has("otelcol_receiver_refused_" + items, "receiver", r);
      body += "<tr><td>receiver</td><td><code>" + HtmlEscape(r) + "</code></td><td class=\"n\">" +
              (known ? Num(accepted) : "0") + "</td><td class=\"n\">" +
              (known ? Num(accepted) : "0") + "</td><td class=\"n" + (refused > 0 ? " bad" : "") +
              "\">" + Num(refused) +
              "</td><td class=\"muted\">shared by every pipeline that lists it</td></tr>\n";
    }
    for (const Id& id : p.processors) {
      const std::string proc = id.ToString();
      std::string notes = "<span class=\"muted\">—</span>";
      if (counters.Has("otelcol_processor_batch_timeout_trigger_send", "processor", proc)) {
        notes =
            "sent on timeout " +
            Num(counters.Sum("otelcol_processor_batch_timeout_trigger_send", "processor", proc)) +
            "×, on size " +
            Num(counters.Sum("otelcol_processor_batch_batch_size_trigger_send", "processor",
                             proc)) +
            "×";
      }
      body += "<tr><td>processor</td><td><code>" + HtmlEscape(proc) +
              "</code></td><td class=\"n muted\">—</td><td class=\"n muted\">—</td>"
              "<td class=\"n muted\">—</td><td>" +
              notes + "</td></tr>\n";
    }
    for (const Id& id : p.exporters) {
      const std::string e = id.ToString();
      double sent = counters.Sum("otelcol_exporter_sent_" + items, "exporter", e);
      double failed = counters.Sum("otelcol_exporter_send_failed_" + items, "exporter", e);
      std::string notes = "<span class=\"muted\">shared by every pipeline that lists it</span>";
      if (counters.Has("otelcol_exporter_queue_size", "exporter", e)) {
        notes = "queue " + Num(counters.Sum("otelcol_exporter_queue_size", "exporter", e)) + " / " +
                Num(counters.Sum("otelcol_exporter_queue_capacity", "exporter", e));
      }
      auto st = status.find("exporter/" + e);
      if (st != status.end() && st->second.failing_since) {
        notes = "<span class=\"bad\">failing: " + HtmlEscape(st->second.last_error) + "</span>";
      }
      body += "<tr><td>exporter</td><td><code>" + HtmlEscape(e) + "</code></td><td class=\"n\">" +
              Num(sent + failed) + "</td><td class=\"n\">" + Num(sent) + "</td><td class=\"n" +
              (failed > 0 ? " bad" : "") + "\">" + Num(failed) + "</td><td>" + notes +
              "</td></tr>\n";
    }
    body += "</table>";
  }
  if (d->pipelines.empty()) body += "<p class=\"muted\">No pipelines.</p>";
  return Page("pipelinez", "Pipelines", body);
}

std::string ExtensionzPage(const PageContext& ctx) {
  const component::CollectorDescription* d = ctx.description;
  std::string body;
  if (d == nullptr || d->extensions.empty()) {
    body = "<p class=\"muted\">No extensions are running.</p>";
  } else {
    body = "<table>" + Row({"Extension", "Type", "Name", "Status"}, true);
    for (const Id& id : d->extensions) {
      body += Row({"<code>" + HtmlEscape(id.ToString()) + "</code>", HtmlEscape(id.type),
                   HtmlEscape(id.name), "<span class=\"ok\">running</span>"});
    }
    body += "</table>";
  }
  return Page("extensionz", "Extensions", body);
}

std::string FeaturezPage(const PageContext& ctx) {
  std::string body =
      "<p>Feature gates switch behaviour that is being introduced or retired. This version of "
      "ocelot has no feature gates: every behaviour it implements is always on.</p>";
  body += "<table>" + Row({"Gate", "Enabled", "Stage", "Description"}, true);
  const component::CollectorDescription* d = ctx.description;
  if (d == nullptr || d->feature_gates.empty()) {
    body += "<tr><td colspan=\"4\" class=\"muted\">none</td></tr>";
  } else {
    for (const std::string& g : d->feature_gates) {
      body += Row({"<code>" + HtmlEscape(g) + "</code>", "—", "unknown",
                   "requested with --feature-gates; no such gate exists in ocelot"});
    }
  }
  body += "</table>";
  return Page("featurez", "Feature gates", body);
}

std::string TracezPage(const PageContext& ctx, const std::string& query) {
  using telemetry::OperationLog;
  std::string body =
      "<p>Samples of the collector's own timed work: receivers taking requests and exporters "
      "sending batches, by latency, and the ones that failed. Counts since start; the last " +
      std::to_string(OperationLog::kSamplesPerBucket) + " samples of each kind are kept.</p>";
  if (ctx.metrics == nullptr) return Page("tracez", "Traces", body + "<p>No data.</p>");
  OperationLog& ops = ctx.metrics->operations();
  auto summaries = ops.Summaries();
  body += "<table><tr><th>Span name</th>";
  for (int b = 0; b < OperationLog::kBuckets; ++b) {
    body += "<th>" + HtmlEscape(OperationLog::BucketLabel(b)) + "</th>";
  }
  body += "<th>Errors</th></tr>\n";
  for (const auto& s : summaries) {
    const std::string name = UrlEncode(s.name);
    body += "<tr><td><code>" + HtmlEscape(s.name) + "</code></td>";
    for (int b = 0; b < OperationLog::kBuckets; ++b) {
      body += "<td class=\"n\">";
      if (s.latency[b] > 0) {
        body += "<a href=\"/debug/tracez?zspanname=" + name +
                "&amp;ztype=1&amp;zlatencybucket=" + std::to_string(b) + "\">" +
                std::to_string(s.latency[b]) + "</a>";
      } else {
        body += "<span class=\"muted\">0</span>";
      }
      body += "</td>";
    }
    body += "<td class=\"n\">";
    if (s.errors > 0) {
      body += "<a class=\"bad\" href=\"/debug/tracez?zspanname=" + name + "&amp;ztype=2\">" +
              std::to_string(s.errors) + "</a>";
    } else {
      body += "<span class=\"muted\">0</span>";
    }
    body += "</td></tr>\n";
  }
  if (summaries.empty()) {
    body += "<tr><td colspan=\"" + std::to_string(OperationLog::kBuckets + 2) +
            "\" class=\"muted\">No operations yet: nothing has been received or exported.</td>"
            "</tr>";
  }
  body += "</table>\n";

  const std::string span = QueryParam(query, "zspanname");
  const std::string type = QueryParam(query, "ztype");
  if (!span.empty() && (type == "1" || type == "2")) {
    int bucket = -1;
    if (type == "1") bucket = std::atoi(QueryParam(query, "zlatencybucket").c_str());
    auto samples = ops.Samples(span, bucket);
    body += "<h2>" +
            std::string(type == "2" ? "Errors"
                                    : "Latency " + HtmlEscape(OperationLog::BucketLabel(bucket))) +
            " of <code>" + HtmlEscape(span) + "</code></h2><table>";
    body += Row({"Start", "Duration", "Items", "Status"}, true);
    for (const auto& s : samples) {
      body += Row({FormatTime(s.start), FormatDuration(s.duration), std::to_string(s.items),
                   s.error ? "<span class=\"bad\">" + HtmlEscape(s.message) + "</span>"
                           : "<span class=\"ok\">OK</span>"});
    }
    if (samples.empty()) body += "<tr><td colspan=\"4\" class=\"muted\">none</td></tr>";
    body += "</table>";
  }
  return Page("tracez", "Traces", body);
}

std::string NotFoundPage(const std::string& path) {
  return Page("", "Not found",
              "<p>There is no page at <code>" + HtmlEscape(path) +
                  "</code>. The collector's pages are listed above.</p>");
}

}  // namespace ocelot::extension::zpages
