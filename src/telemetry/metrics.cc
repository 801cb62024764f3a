#include "telemetry/metrics.h"

#include <cmath>
#include <cstdio>

namespace ocelot::telemetry {
namespace {

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Series(const std::string& name, const Labels& labels) {
  std::string out = name;
  if (labels.empty()) return out;
  out.push_back('{');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out.push_back(',');
    out += labels[i].first + "=\"" + EscapeLabel(labels[i].second) + "\"";
  }
  out.push_back('}');
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

}  // namespace

Counter& MetricsRegistry::GetCounter(const std::string& name, const Labels& labels,
                                     const std::string& help) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  if (f.type.empty()) {
    f.type = "counter";
    f.help = help;
  }
  auto& slot = f.counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const Labels& labels,
                                 const std::string& help) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  if (f.type.empty()) {
    f.type = "gauge";
    f.help = help;
  }
  auto& slot = f.gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

void MetricsRegistry::AddCallbackGauge(const std::string& name, const Labels& labels,
                                       std::function<double()> fn, const std::string& help) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  if (f.type.empty()) {
    f.type = "gauge";
    f.help = help;
  }
  f.callbacks[labels] = std::move(fn);
}

std::string MetricsRegistry::PrometheusText() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.counters) {
      out += Series(name, labels) + " " + std::to_string(c->value()) + "\n";
    }
    for (const auto& [labels, g] : f.gauges) {
      out += Series(name, labels) + " " + FormatValue(g->value()) + "\n";
    }
    for (const auto& [labels, fn] : f.callbacks) {
      out += Series(name, labels) + " " + FormatValue(fn()) + "\n";
    }
  }
  return out;
}

double MetricsRegistry::Value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return -1;
  const Family& f = it->second;
  if (auto c = f.counters.find(labels); c != f.counters.end()) {
    return static_cast<double>(c->second->value());
  }
  if (auto g = f.gauges.find(labels); g != f.gauges.end()) return g->second->value();
  if (auto cb = f.callbacks.find(labels); cb != f.callbacks.end()) return cb->second();
  return -1;
}

}  // namespace ocelot::telemetry
