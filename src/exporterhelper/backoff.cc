#include "exporterhelper/backoff.h"

#include <algorithm>
#include <random>

namespace ocelot::exporterhelper {

Backoff::Backoff(const RetrySettings& settings, Random random,
                 std::function<Clock::time_point()> now)
    : settings_(settings),
      random_(std::move(random)),
      now_(std::move(now)),
      current_(settings.initial_interval) {
  if (!random_) {
    random_ = [engine = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
  if (!now_) now_ = [] { return Clock::now(); };
  start_ = now_();
}

std::optional<std::chrono::nanoseconds> Backoff::Next() {
  auto elapsed = now_() - start_;
  // A value in [current - delta, current + delta], delta = factor * current.
  double current = static_cast<double>(current_.count());
  double delta = settings_.randomization_factor * current;
  double min = current - delta;
  double max = current + delta;
  auto next = std::chrono::nanoseconds(static_cast<int64_t>(min + random_() * (max - min + 1)));
  // Grow the interval for the following call, capped at max_interval.
  if (current >= static_cast<double>(settings_.max_interval.count()) / settings_.multiplier) {
    current_ = settings_.max_interval;
  } else {
    current_ = std::chrono::nanoseconds(static_cast<int64_t>(current * settings_.multiplier));
  }
  if (settings_.max_elapsed_time.count() != 0 && elapsed + next > settings_.max_elapsed_time) {
    return std::nullopt;
  }
  return next;
}

}  // namespace ocelot::exporterhelper
