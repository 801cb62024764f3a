#include "telemetry/operations.h"

namespace ocelot::telemetry {

using std::chrono::nanoseconds;

nanoseconds OperationLog::BucketLowerBound(int bucket) {
  static constexpr int64_t kBounds[kBuckets] = {
      0,           10'000,        100'000,        1'000'000,     10'000'000,
      100'000'000, 1'000'000'000, 10'000'000'000, 60'000'000'000};
  if (bucket < 0) bucket = 0;
  if (bucket >= kBuckets) bucket = kBuckets - 1;
  return nanoseconds(kBounds[bucket]);
}

std::string OperationLog::BucketLabel(int bucket) {
  static const char* kLabels[kBuckets] = {">0s",    ">10µs", ">100µs", ">1ms", ">10ms",
                                          ">100ms", ">1s",   ">10s",   ">1m"};
  if (bucket < 0 || bucket >= kBuckets) return "errors";
  return kLabels[bucket];
}

int OperationLog::BucketOf(nanoseconds d) {
  for (int b = kBuckets - 1; b > 0; --b) {
    if (d >= BucketLowerBound(b)) return b;
  }
  return 0;
}

void OperationLog::Record(const std::string& name, OperationSample sample) {
  std::lock_guard lock(mu_);
  PerName& p = by_name_[name];
  if (p.summary.name.empty()) p.summary.name = name;
  std::deque<OperationSample>* ring;
  if (sample.error) {
    ++p.summary.errors;
    ring = &p.error_samples;
  } else {
    int b = BucketOf(sample.duration);
    ++p.summary.latency[b];
    ring = &p.samples[b];
  }
  ring->push_front(std::move(sample));
  if (ring->size() > kSamplesPerBucket) ring->pop_back();
}

std::vector<OperationLog::Summary> OperationLog::Summaries() const {
  std::lock_guard lock(mu_);
  std::vector<Summary> out;
  for (const auto& [name, p] : by_name_) out.push_back(p.summary);
  return out;
}

std::vector<OperationSample> OperationLog::Samples(const std::string& name, int bucket) const {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return {};
  if (bucket < 0) return {it->second.error_samples.begin(), it->second.error_samples.end()};
  if (bucket >= kBuckets) return {};
  const auto& ring = it->second.samples[bucket];
  return {ring.begin(), ring.end()};
}

}  // namespace ocelot::telemetry
