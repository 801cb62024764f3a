// Idle HTTP client handles kept for reuse, so requests ride kept-alive connections: a sender
// takes one per request (a new one when none is idle) and gives it back afterwards. `Handle`
// owns its curl easy handle; dropping it closes the connection.
//
// Threads: Take, Return and Clear may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

namespace ocelot::net {

template <typename Handle>
class HandlePool {
 public:
  std::unique_ptr<Handle> Take() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto h = std::move(idle_.back());
        idle_.pop_back();
        return h;
      }
    }
    return std::make_unique<Handle>();
  }
  void Return(std::unique_ptr<Handle> h) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(h));
  }
  // Closes every idle connection.
  void Clear() {
    std::lock_guard lock(mu_);
    idle_.clear();
  }

 private:
  std::mutex mu_;  // guards idle_
  std::vector<std::unique_ptr<Handle>> idle_;
};

}  // namespace ocelot::net
