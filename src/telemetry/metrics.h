// The collector's own metrics: counters, gauges and histograms with otelcol's names and labels
// (otelcol_receiver_accepted_spans{receiver="otlp",transport="grpc"}), cheap enough to update
// on the hot path (one relaxed atomic add per batch), and rendered as Prometheus text.
//
// The registry is also the one telemetry handle every component receives (CreateSettings::
// metrics), so it carries the collector's other self-observation records: component health
// (for health_check) and timed operations (for zpages' tracez).
//
// Threads: every method is thread-safe. Get* takes a lock (call it once, at create time, and
// keep the reference); Add/Set/Observe on the returned metric are lock-free.
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

#include "telemetry/component_status.h"
#include "telemetry/operations.h"

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

// Cumulative buckets as Prometheus wants them; `bounds` are the upper bounds, ascending.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Per bucket (not cumulative), the last one being +Inf.
  std::vector<int64_t> bucket_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  int64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
  std::atomic<int64_t> count_{0};
};

// One series' current value, for pages and health checks that read the registry.
struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

class MetricsRegistry {
 public:
  // The same name and labels always return the same metric. `help` is kept from the first call.
  Counter& GetCounter(const std::string& name, const Labels& labels, const std::string& help = "");
  Gauge& GetGauge(const std::string& name, const Labels& labels, const std::string& help = "");
  Histogram& GetHistogram(const std::string& name, const Labels& labels,
                          const std::vector<double>& bounds, const std::string& help = "");
  // A gauge computed when read (process RSS, queue size).
  void AddCallbackGauge(const std::string& name, const Labels& labels, std::function<double()> fn,
                        const std::string& help = "");
  // A counter computed when read (process uptime, CPU seconds).
  void AddCallbackCounter(const std::string& name, const Labels& labels, std::function<double()> fn,
                          const std::string& help = "");

  // Labels put on every series when rendered (otelcol's service_instance_id, service_name,
  // service_version). Not part of any series' identity: Get*, Value and Snapshot ignore them.
  void SetConstLabels(Labels labels);
  Labels const_labels() const;

  // Prometheus text exposition format 0.0.4, metrics sorted by name.
  std::string PrometheusText() const;

  // For tests and `ocelot top`: the current value of one series, or -1 when absent.
  double Value(const std::string& name, const Labels& labels) const;
  // Every counter and gauge series whose name starts with `prefix` (histograms excluded).
  std::vector<Sample> Snapshot(const std::string& prefix = "") const;

  ComponentStatusBoard& component_status() { return component_status_; }
  OperationLog& operations() { return operations_; }

 private:
  struct Family {
    std::string type;  // "counter", "gauge" or "histogram"
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::map<Labels, std::function<double()>> callbacks;
  };
  Family& FamilyLocked(const std::string& name, const char* type, const std::string& help);

  mutable std::mutex mu_;  // guards families_ and const_labels_ (not values: atomics)
  std::map<std::string, Family> families_;
  Labels const_labels_;
  ComponentStatusBoard component_status_;
  OperationLog operations_;
};

}  // namespace ocelot::telemetry
