// Waiting on a condition with a deadline, for conditions nothing can notify us about (a port
// opening in another process, a child exiting). Re-checks with exponential backoff up to 50 ms.
#pragma once

#include <poll.h>

#include <algorithm>
#include <chrono>

namespace ocelot::testing {

template <typename Predicate>
bool WaitUntil(Predicate done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int backoff_ms = 1;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ::poll(nullptr, 0, backoff_ms);  // the re-check interval, not a synchronisation point
    backoff_ms = std::min(backoff_ms * 2, 50);
  }
}

}  // namespace ocelot::testing
