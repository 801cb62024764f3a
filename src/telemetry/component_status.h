// How each component's work has been going lately: successes, failures, the last error. The
// health_check extension judges exporters by it; zpages shows it.
//
// Threads: Register takes the board's lock (once per component, at create time); the returned
// entry has its own lock, taken once per recorded batch.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ocelot::telemetry {

using Clock = std::chrono::steady_clock;

struct ComponentStatus {
  std::string component;  // "exporter/otlp"
  int64_t successes = 0;
  int64_t failures = 0;
  std::optional<Clock::time_point> last_success;
  std::optional<Clock::time_point> last_failure;
  std::string last_error;
  // Failures since this time; none when the latest attempt succeeded.
  std::optional<Clock::time_point> failing_since;
  int64_t failures_in_window = 0;  // filled by Snapshot(window)
};

class ComponentStatusEntry {
 public:
  explicit ComponentStatusEntry(std::string component) { status_.component = std::move(component); }
  void RecordSuccess(Clock::time_point now = Clock::now());
  void RecordFailure(const std::string& message, Clock::time_point now = Clock::now());
  // The status, with failures_in_window counted over [now - window, now].
  ComponentStatus Get(Clock::duration window, Clock::time_point now = Clock::now()) const;

 private:
  // Enough to judge any sensible failure threshold without growing without bound.
  static constexpr size_t kMaxRecentFailures = 4096;
  mutable std::mutex mu_;  // guards everything below
  ComponentStatus status_;
  std::deque<Clock::time_point> recent_failures_;
};

class ComponentStatusBoard {
 public:
  // The entry for "kind/id"; the same one on every call.
  ComponentStatusEntry& Register(const std::string& component);
  // Every registered component, sorted by name.
  std::vector<ComponentStatus> Snapshot(Clock::duration window,
                                        Clock::time_point now = Clock::now()) const;

 private:
  mutable std::mutex mu_;  // guards entries_
  std::map<std::string, std::unique_ptr<ComponentStatusEntry>> entries_;
};

}  // namespace ocelot::telemetry
