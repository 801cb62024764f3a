// The interface every stage that receives data implements, one per signal, and the status
// convention: ok, retryable (back-pressure: the caller may try again later) or permanent (the
// data is bad or cannot be delivered; drop and count).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "pdata/batch.h"

namespace ocelot::consumer {

// Consume may be called from several threads at once; implementations say how they cope.
template <typename BatchT>
class Consumer {
 public:
  virtual ~Consumer() = default;
  virtual absl::Status Consume(BatchT batch) = 0;
};

using TracesConsumer = Consumer<pdata::Traces>;
using MetricsConsumer = Consumer<pdata::Metrics>;
using LogsConsumer = Consumer<pdata::Logs>;

// Retryable errors use UNAVAILABLE (receivers map it to gRPC UNAVAILABLE / HTTP 503);
// everything else that is not OK is permanent.
inline absl::Status Retryable(std::string message) {
  return absl::UnavailableError(std::move(message));
}
inline absl::Status Permanent(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}
inline bool IsRetryable(const absl::Status& s) {
  return s.code() == absl::StatusCode::kUnavailable ||
         s.code() == absl::StatusCode::kResourceExhausted ||
         s.code() == absl::StatusCode::kDeadlineExceeded;
}

// Hands one batch to several consumers. The batch's chunks are shared read-only, so each
// consumer gets a cheap copy of the chunk list, not of the spans. Returns the first error, but
// always offers the batch to every consumer (one failing exporter must not starve another).
template <typename BatchT>
class FanOut final : public Consumer<BatchT> {
 public:
  explicit FanOut(std::vector<Consumer<BatchT>*> next) : next_(std::move(next)) {}

  absl::Status Consume(BatchT batch) override {
    if (next_.size() == 1) return next_[0]->Consume(std::move(batch));
    absl::Status result;
    for (size_t i = 0; i < next_.size(); ++i) {
      absl::Status s =
          (i + 1 == next_.size()) ? next_[i]->Consume(std::move(batch)) : next_[i]->Consume(batch);
      if (!s.ok() && result.ok()) result = s;
    }
    return result;
  }

 private:
  std::vector<Consumer<BatchT>*> next_;
};

}  // namespace ocelot::consumer
