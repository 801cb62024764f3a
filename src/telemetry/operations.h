// Recent timed operations of the collector's own work (a receiver taking a request, an exporter
// sending a batch), kept as samples per latency bucket and per error, for zpages' tracez. Like
// OpenCensus' span store: counts for everything, a few samples of each kind.
//
// Threads: every method takes one lock; Record is called once per request or batch.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace ocelot::telemetry {

struct OperationSample {
  std::chrono::system_clock::time_point start;
  std::chrono::nanoseconds duration{0};
  int64_t items = 0;
  bool error = false;
  std::string message;  // the error, when error
};

class OperationLog {
 public:
  // Lower bounds of the latency buckets, as otelcol's tracez shows them:
  // [0, 10µs), [10µs, 100µs), [100µs, 1ms), [1ms, 10ms), [10ms, 100ms), [100ms, 1s), [1s, 10s),
  // [10s, 1m), [1m, ∞).
  static constexpr int kBuckets = 9;
  static std::chrono::nanoseconds BucketLowerBound(int bucket);
  static std::string BucketLabel(int bucket);  // ">=10µs"
  static int BucketOf(std::chrono::nanoseconds d);
  static constexpr size_t kSamplesPerBucket = 10;

  // `name` is an otelcol span name: "receiver/otlp/TraceDataReceived", "exporter/file/traces".
  void Record(const std::string& name, OperationSample sample);

  struct Summary {
    std::string name;
    std::array<int64_t, kBuckets> latency{};  // successful operations per bucket
    int64_t errors = 0;
  };
  std::vector<Summary> Summaries() const;  // sorted by name
  // Newest first. bucket -1: the error samples.
  std::vector<OperationSample> Samples(const std::string& name, int bucket) const;

 private:
  struct PerName {
    Summary summary;
    std::array<std::deque<OperationSample>, kBuckets> samples;
    std::deque<OperationSample> error_samples;
  };
  mutable std::mutex mu_;  // guards by_name_
  std::map<std::string, PerName> by_name_;
};

}  // namespace ocelot::telemetry
