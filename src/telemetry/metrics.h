// The collector's own metrics: counters and gauges with otelcol's names and labels
// (otelcol_receiver_accepted_spans{receiver="otlp",transport="grpc"}), cheap enough to update
// on the hot path (one relaxed atomic add per batch), and rendered as Prometheus text.
//
// Threads: every method is thread-safe. Get* takes a lock (call it once, at create time, and
// keep the reference); Add/Set on the returned metric are lock-free.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace ocelot::telemetry {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double d) {
    double cur = value_.load(std::memory_order_relaxed);
    while (!value_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
    }
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class MetricsRegistry {
 public:
  // The same name and labels always return the same metric. `help` is kept from the first call.
  Counter& GetCounter(const std::string& name, const Labels& labels, const std::string& help = "");
  Gauge& GetGauge(const std::string& name, const Labels& labels, const std::string& help = "");
  // A gauge computed when read (process RSS, queue size).
  void AddCallbackGauge(const std::string& name, const Labels& labels, std::function<double()> fn,
                        const std::string& help = "");

  // Prometheus text exposition format 0.0.4, metrics sorted by name.
  std::string PrometheusText() const;

  // For tests and `ocelot top`: the current value of one series, or -1 when absent.
  double Value(const std::string& name, const Labels& labels) const;

 private:
  struct Family {
    std::string type;  // "counter" or "gauge"
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::function<double()>> callbacks;
  };
  mutable std::mutex mu_;  // guards families_ (not the metric values, which are atomics)
  std::map<std::string, Family> families_;
};

}  // namespace ocelot::telemetry
