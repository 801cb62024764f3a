#include "processor/batch/batch_processor.h"

#include <spdlog/spdlog.h>

namespace ocelot::processor::batch {

template <typename BatchT>
struct BatchProcessor<BatchT>::TimerState {
  explicit TimerState(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
  std::mutex mu;  // guards owner
  BatchProcessor* owner = nullptr;
};

template <typename BatchT>
BatchProcessor<BatchT>::BatchProcessor(const Config& config, consumer::Consumer<BatchT>* next,
                                       std::shared_ptr<spdlog::logger> logger,
                                       telemetry::MetricsRegistry* metrics, const std::string& id)
    : config_(config), next_(next), logger_(std::move(logger)) {
  if (metrics) telemetry_.emplace(metrics, id);
}

template <typename BatchT>
BatchProcessor<BatchT>::~BatchProcessor() = default;

template <typename BatchT>
absl::Status BatchProcessor<BatchT>::Start(component::Host& host) {
  timer_state_ = std::make_shared<TimerState>(host.io_context());
  timer_state_->owner = this;
  return absl::OkStatus();
}

template <typename BatchT>
void BatchProcessor<BatchT>::Shutdown() {
  BatchT rest;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    rest = std::move(pending_);
    pending_.Clear();
  }
  if (timer_state_) {
    std::lock_guard lock(timer_state_->mu);  // waits for a running OnTimer to finish
    timer_state_->owner = nullptr;
    timer_state_->timer.cancel();
  }
  if (!rest.empty()) Send(std::move(rest), telemetry::BatchProcessorTelemetry::Trigger::kShutdown);
}

template <typename BatchT>
absl::Status BatchProcessor<BatchT>::Consume(BatchT batch) {
  BatchT ready;
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      // Shutting down: pass through so nothing accepted is dropped.
      ready = std::move(batch);
    } else {
      pending_.Append(std::move(batch));
      if (config_.send_batch_size > 0 && pending_.item_count() >= config_.send_batch_size) {
        ready = std::move(pending_);
        pending_.Clear();
        timer_armed_ = false;  // the armed timer finds nothing due and re-arms if needed
      } else if (!timer_armed_) {
        ArmTimer();
      }
    }
  }
  if (!ready.empty())
    Send(std::move(ready), telemetry::BatchProcessorTelemetry::Trigger::kBatchSize);
  return absl::OkStatus();
}

template <typename BatchT>
void BatchProcessor<BatchT>::Send(BatchT ready,
                                  telemetry::BatchProcessorTelemetry::Trigger trigger) {
  while (!ready.empty()) {
    BatchT piece;
    if (config_.send_batch_max_size > 0 && ready.item_count() > config_.send_batch_max_size) {
      piece = ready.TakeFront(config_.send_batch_max_size);
    } else {
      piece = std::move(ready);
      ready.Clear();
    }
    size_t items = piece.item_count();
    if (telemetry_) telemetry_->RecordSend(trigger, static_cast<int64_t>(items));
    absl::Status s = next_->Consume(std::move(piece));
    if (!s.ok()) {
      logger_->warn("dropped {} items: the next consumer refused them: {}", items,
                    std::string(s.message()));
    }
  }
}

template <typename BatchT>
void BatchProcessor<BatchT>::ArmTimer() {
  if (!timer_state_) return;  // not started (tests may consume before Start)
  timer_armed_ = true;
  timer_state_->timer.expires_after(config_.timeout);
  std::weak_ptr<TimerState> weak = timer_state_;
  timer_state_->timer.async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;
    auto state = weak.lock();
    if (!state) return;
    std::lock_guard lock(state->mu);
    if (state->owner) state->owner->OnTimer();
  });
}

template <typename BatchT>
void BatchProcessor<BatchT>::OnTimer() {
  BatchT ready;
  {
    std::lock_guard lock(mu_);
    timer_armed_ = false;
    if (stopped_) return;
    ready = std::move(pending_);
    pending_.Clear();
  }
  if (!ready.empty()) Send(std::move(ready), telemetry::BatchProcessorTelemetry::Trigger::kTimeout);
}

template <typename BatchT>
consumer::TracesConsumer* BatchProcessor<BatchT>::traces() {
  if constexpr (std::is_same_v<BatchT, pdata::Traces>) return this;
  return nullptr;
}
template <typename BatchT>
consumer::MetricsConsumer* BatchProcessor<BatchT>::metrics() {
  if constexpr (std::is_same_v<BatchT, pdata::Metrics>) return this;
  return nullptr;
}
template <typename BatchT>
consumer::LogsConsumer* BatchProcessor<BatchT>::logs() {
  if constexpr (std::is_same_v<BatchT, pdata::Logs>) return this;
  return nullptr;
}

template class BatchProcessor<pdata::Traces>;
template class BatchProcessor<pdata::Metrics>;
template class BatchProcessor<pdata::Logs>;

}  // namespace ocelot::processor::batch
