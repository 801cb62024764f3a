// A consumer that records every batch it gets and lets a test wait for a condition on them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "consumer/consumer.h"

namespace ocelot::testing {

template <typename BatchT>
class RecordingConsumer final : public consumer::Consumer<BatchT> {
 public:
  absl::Status Consume(BatchT batch) override {
    std::lock_guard lock(mu_);
    if (!next_status_.ok()) return next_status_;
    items_ += batch.item_count();
    batches_.push_back(std::move(batch));
    cv_.notify_all();
    return absl::OkStatus();
  }

  // Waits until at least `n` items arrived; false on timeout.
  bool WaitForItems(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return items_ >= n; });
  }

  size_t items() {
    std::lock_guard lock(mu_);
    return items_;
  }
  std::vector<size_t> batch_sizes() {
    std::lock_guard lock(mu_);
    std::vector<size_t> out;
    for (const auto& b : batches_) out.push_back(b.item_count());
    return out;
  }
  std::vector<BatchT> batches() {
    std::lock_guard lock(mu_);
    return batches_;
  }
  void FailWith(absl::Status s) {
    std::lock_guard lock(mu_);
    next_status_ = std::move(s);
  }

 private:
  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::vector<BatchT> batches_;
  size_t items_ = 0;
  absl::Status next_status_;
};

}  // namespace ocelot::testing
