#include "telemetry/metrics.h"

#include <algorithm>
#include <charconv>
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

// name{const labels..., labels..., extra}
std::string Series(const std::string& name, const Labels& const_labels, const Labels& labels,
                   const std::pair<std::string, std::string>* extra = nullptr) {
  std::string out = name;
  if (const_labels.empty() && labels.empty() && extra == nullptr) return out;
  out.push_back('{');
  bool first = true;
  auto add = [&](const std::pair<std::string, std::string>& l) {
    if (!first) out.push_back(',');
    first = false;
    out += l.first + "=\"" + EscapeLabel(l.second) + "\"";
  };
  // Series labels first, as Go's exporter sorts them and component labels come before the
  // service_* ones alphabetically in every otelcol metric.
  Labels all = labels;
  all.insert(all.end(), const_labels.begin(), const_labels.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& l : all) add(l);
  if (extra) add(*extra);
  out.push_back('}');
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  // The shortest text that reads back as the same double, as Go's strconv 'g', -1 prints.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, end);
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<int64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  double cur = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<int64_t> Histogram::bucket_counts() const {
  std::vector<int64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

MetricsRegistry::Family& MetricsRegistry::FamilyLocked(const std::string& name, const char* type,
                                                       const std::string& help) {
  Family& f = families_[name];
  if (f.type.empty()) {
    f.type = type;
    f.help = help;
  }
  return f;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const Labels& labels,
                                     const std::string& help) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyLocked(name, "counter", help).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const Labels& labels,
                                 const std::string& help) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyLocked(name, "gauge", help).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const Labels& labels,
                                         const std::vector<double>& bounds,
                                         const std::string& help) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyLocked(name, "histogram", help).histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void MetricsRegistry::AddCallbackGauge(const std::string& name, const Labels& labels,
                                       std::function<double()> fn, const std::string& help) {
  std::lock_guard lock(mu_);
  FamilyLocked(name, "gauge", help).callbacks[labels] = std::move(fn);
}

void MetricsRegistry::AddCallbackCounter(const std::string& name, const Labels& labels,
                                         std::function<double()> fn, const std::string& help) {
  std::lock_guard lock(mu_);
  FamilyLocked(name, "counter", help).callbacks[labels] = std::move(fn);
}

void MetricsRegistry::SetConstLabels(Labels labels) {
  std::lock_guard lock(mu_);
  const_labels_ = std::move(labels);
}

Labels MetricsRegistry::const_labels() const {
  std::lock_guard lock(mu_);
  return const_labels_;
}

std::string MetricsRegistry::PrometheusText() const {
  std::lock_guard lock(mu_);
  std::string out;
  const Labels& cl = const_labels_;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.counters) {
      out += Series(name, cl, labels) + " " + std::to_string(c->value()) + "\n";
    }
    for (const auto& [labels, g] : f.gauges) {
      out += Series(name, cl, labels) + " " + FormatValue(g->value()) + "\n";
    }
    for (const auto& [labels, fn] : f.callbacks) {
      out += Series(name, cl, labels) + " " + FormatValue(fn()) + "\n";
    }
    for (const auto& [labels, h] : f.histograms) {
      std::vector<int64_t> counts = h->bucket_counts();
      int64_t cumulative = 0;
      for (size_t i = 0; i < counts.size(); ++i) {
        cumulative += counts[i];
        std::pair<std::string, std::string> le{
            "le", i < h->bounds().size() ? FormatValue(h->bounds()[i]) : "+Inf"};
        out += Series(name + "_bucket", cl, labels, &le) + " " + std::to_string(cumulative) + "\n";
      }
      out += Series(name + "_sum", cl, labels) + " " + FormatValue(h->sum()) + "\n";
      out += Series(name + "_count", cl, labels) + " " + std::to_string(h->count()) + "\n";
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

std::vector<Sample> MetricsRegistry::Snapshot(const std::string& prefix) const {
  std::lock_guard lock(mu_);
  std::vector<Sample> out;
  for (auto it = families_.lower_bound(prefix); it != families_.end(); ++it) {
    const auto& [name, f] = *it;
    if (name.compare(0, prefix.size(), prefix) != 0) break;
    for (const auto& [labels, c] : f.counters) {
      out.push_back({name, labels, static_cast<double>(c->value())});
    }
    for (const auto& [labels, g] : f.gauges) out.push_back({name, labels, g->value()});
    for (const auto& [labels, fn] : f.callbacks) out.push_back({name, labels, fn()});
  }
  return out;
}

}  // namespace ocelot::telemetry
