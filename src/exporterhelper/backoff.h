// Exponential back-off with jitter, as otelcol's retry sender computes it (cenkalti/backoff v4):
// each wait is the current interval randomised by ±randomization_factor; the interval grows by
// `multiplier` up to max_interval; once max_elapsed_time (0: never) would be passed, stop.
//
// Threads: one instance per send, used by one thread.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "exporterhelper/settings.h"

namespace ocelot::exporterhelper {

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  // Returns a uniform value in [0, 1); tests pass a fixed one.
  using Random = std::function<double()>;

  explicit Backoff(const RetrySettings& settings, Random random = nullptr,
                   std::function<Clock::time_point()> now = nullptr);

  // The wait before the next attempt, or nullopt when retrying must stop.
  std::optional<std::chrono::nanoseconds> Next();

 private:
  RetrySettings settings_;
  Random random_;
  std::function<Clock::time_point()> now_;
  Clock::time_point start_;
  std::chrono::nanoseconds current_;
};

}  // namespace ocelot::exporterhelper
