// What an exporter implements: "send this batch once; tell me whether it worked and whether
// retrying can help". Everything else (timeout, retry with back-off, the sending queue, its
// persistence, the exporter metrics) is the helper's job (exporterhelper/exporter.h).
//
// The result convention: OK; consumer::Retryable (or RESOURCE_EXHAUSTED / DEADLINE_EXCEEDED)
// when a later attempt may succeed, optionally carrying the wait the server asked for
// (WithRetryAfter); anything else is permanent and the batch is dropped at once.
#pragma once

#include <chrono>
#include <optional>
#include <variant>

#include "absl/status/status.h"
#include "component/component.h"
#include "consumer/consumer.h"
#include "pdata/batch.h"

namespace ocelot::exporterhelper {

using Deadline = std::chrono::steady_clock::time_point;
inline constexpr Deadline kNoDeadline = Deadline::max();

// Attaches the delay a server asked for (HTTP Retry-After, gRPC RetryInfo) to a retryable
// status; the retry loop waits at least that long before the next attempt.
absl::Status WithRetryAfter(absl::Status status, std::chrono::nanoseconds delay);
// The delay attached by WithRetryAfter, if any.
std::optional<std::chrono::nanoseconds> RetryAfterOf(const absl::Status& status);

// Threads: Send is called from up to num_consumers queue threads at once (or, without a queue,
// from the pipeline's threads), so implementations must be thread-safe. Start and Shutdown are
// called once each, Shutdown after every Send has returned.
class Sender {
 public:
  virtual ~Sender() = default;
  virtual absl::Status Start(component::Host& host) { return absl::OkStatus(); }
  virtual void Shutdown() {}

  // Sends one batch once. `deadline` is when this attempt must give up (kNoDeadline: never);
  // a sender that can bound its I/O honours it and answers DEADLINE_EXCEEDED (retryable).
  virtual absl::Status Send(const pdata::Traces& batch, Deadline deadline);
  virtual absl::Status Send(const pdata::Metrics& batch, Deadline deadline);
  virtual absl::Status Send(const pdata::Logs& batch, Deadline deadline);
};

// One queued request: a batch of one signal.
using Request = std::variant<pdata::Traces, pdata::Metrics, pdata::Logs>;
size_t ItemCount(const Request& r);
pdata::Signal SignalOf(const Request& r);

}  // namespace ocelot::exporterhelper
