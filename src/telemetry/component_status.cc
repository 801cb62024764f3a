#include "telemetry/component_status.h"

namespace ocelot::telemetry {

void ComponentStatusEntry::RecordSuccess(Clock::time_point now) {
  std::lock_guard lock(mu_);
  ++status_.successes;
  status_.last_success = now;
  status_.failing_since.reset();
}

void ComponentStatusEntry::RecordFailure(const std::string& message, Clock::time_point now) {
  std::lock_guard lock(mu_);
  ++status_.failures;
  status_.last_failure = now;
  status_.last_error = message;
  if (!status_.failing_since) status_.failing_since = now;
  recent_failures_.push_back(now);
  if (recent_failures_.size() > kMaxRecentFailures) recent_failures_.pop_front();
}

ComponentStatus ComponentStatusEntry::Get(Clock::duration window, Clock::time_point now) const {
  std::lock_guard lock(mu_);
  ComponentStatus s = status_;
  const Clock::time_point from = now - window;
  for (auto it = recent_failures_.rbegin(); it != recent_failures_.rend() && *it >= from; ++it) {
    ++s.failures_in_window;
  }
  return s;
}

ComponentStatusEntry& ComponentStatusBoard::Register(const std::string& component) {
  std::lock_guard lock(mu_);
  auto& slot = entries_[component];
  if (!slot) slot = std::make_unique<ComponentStatusEntry>(component);
  return *slot;
}

std::vector<ComponentStatus> ComponentStatusBoard::Snapshot(Clock::duration window,
                                                            Clock::time_point now) const {
  std::lock_guard lock(mu_);
  std::vector<ComponentStatus> out;
  for (const auto& [name, entry] : entries_) out.push_back(entry->Get(window, now));
  return out;
}

}  // namespace ocelot::telemetry
