#include "processor/batch/batch_processor.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ocelot::processor::batch {

template <typename BatchT>
struct BatchProcessor<BatchT>::TimerState {
  explicit TimerState(boost::asio::io_context& context) : io(context) {}
  boost::asio::io_context& io;
  std::mutex mu;  // guards owner
  BatchProcessor* owner = nullptr;
};

template <typename BatchT>
BatchProcessor<BatchT>::BatchProcessor(const Config& config, consumer::Consumer<BatchT>* next,
                                       std::shared_ptr<spdlog::logger> logger,
                                       telemetry::MetricsRegistry* metrics, const std::string& id)
    : config_(config), next_(next), logger_(std::move(logger)) {
  if (metrics) telemetry_.emplace(metrics, id);
  // As otelcol: one combination when not batching by metadata.
  if (telemetry_ && config_.metadata_keys.empty()) telemetry_->RecordMetadataCardinality(1);
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
  std::vector<BatchT> rest;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    auto take = [&](Shard& shard) {
      if (!shard.pending.empty()) rest.push_back(std::move(shard.pending));
      shard.pending.Clear();
    };
    take(single_);
    for (auto& [key, shard] : shards_) take(*shard);
  }
  if (timer_state_) {
    {
      std::lock_guard lock(timer_state_->mu);  // waits for a running OnTimer to finish
      timer_state_->owner = nullptr;
    }
    std::lock_guard lock(mu_);
    if (single_.timer) single_.timer->cancel();
    for (auto& [key, shard] : shards_) {
      if (shard->timer) shard->timer->cancel();
    }
  }
  for (BatchT& b : rest) Send(std::move(b), telemetry::BatchProcessorTelemetry::Trigger::kShutdown);
}

template <typename BatchT>
std::string BatchProcessor<BatchT>::ShardKey(const typename BatchT::ChunkT& chunk) const {
  // Values joined with separators no header or metadata value can hold unescaped in a way
  // that collides: \x1f between values of one key, \x1e between keys.
  std::string key;
  const pdata::ClientMetadata* metadata = chunk.metadata();
  for (const std::string& name : config_.metadata_keys) {
    if (metadata != nullptr) {
      for (const std::string& value : metadata->Get(name)) {
        key += value;
        key += '\x1f';
      }
    }
    key += '\x1e';
  }
  return key;
}

template <typename BatchT>
typename BatchProcessor<BatchT>::Shard* BatchProcessor<BatchT>::ShardFor(const std::string& key) {
  auto it = shards_.find(key);
  if (it != shards_.end()) return it->second.get();
  if (config_.metadata_cardinality_limit > 0 &&
      shards_.size() >= config_.metadata_cardinality_limit) {
    return nullptr;
  }
  Shard* shard = shards_.emplace(key, std::make_unique<Shard>()).first->second.get();
  if (telemetry_) telemetry_->RecordMetadataCardinality(static_cast<int64_t>(shards_.size()));
  return shard;
}

template <typename BatchT>
BatchT BatchProcessor<BatchT>::Add(Shard& shard, BatchT batch) {
  BatchT ready;
  shard.pending.Append(std::move(batch));
  if (config_.send_batch_size > 0 && shard.pending.item_count() >= config_.send_batch_size) {
    ready = std::move(shard.pending);
    shard.pending.Clear();
    shard.timer_armed = false;  // the armed timer finds nothing due and re-arms if needed
  } else if (!shard.timer_armed) {
    ArmTimer(shard);
  }
  return ready;
}

template <typename BatchT>
absl::Status BatchProcessor<BatchT>::Consume(BatchT batch) {
  std::vector<BatchT> ready;
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      // Shutting down: pass through so nothing accepted is dropped.
      ready.push_back(std::move(batch));
    } else if (config_.metadata_keys.empty()) {
      ready.push_back(Add(single_, std::move(batch)));
    } else {
      // Group the chunks by their metadata values (a receiver's batch is one request, so
      // normally one group), and refuse the whole batch if a new group is over the limit.
      std::vector<std::pair<Shard*, BatchT>> groups;
      for (const auto& e : batch.entries()) {
        Shard* shard = ShardFor(ShardKey(*e.chunk));
        if (shard == nullptr) {
          return absl::InvalidArgumentError(
              "too many batcher metadata-value combinations (metadata_cardinality_limit " +
              std::to_string(config_.metadata_cardinality_limit) + ")");
        }
        auto g = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& p) { return p.first == shard; });
        if (g == groups.end()) g = groups.insert(groups.end(), {shard, BatchT()});
        g->second.Append(e.chunk, e.items);
      }
      for (auto& [shard, part] : groups) ready.push_back(Add(*shard, std::move(part)));
    }
  }
  for (BatchT& b : ready) {
    if (!b.empty()) Send(std::move(b), telemetry::BatchProcessorTelemetry::Trigger::kBatchSize);
  }
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
void BatchProcessor<BatchT>::ArmTimer(Shard& shard) {
  if (!timer_state_) return;  // not started (tests may consume before Start)
  shard.timer_armed = true;
  if (!shard.timer) shard.timer.emplace(timer_state_->io);
  shard.timer->expires_after(config_.timeout);
  std::weak_ptr<TimerState> weak = timer_state_;
  Shard* target = &shard;  // shards live as long as the processor; the owner check guards it
  shard.timer->async_wait([weak, target](const boost::system::error_code& ec) {
    if (ec) return;
    auto state = weak.lock();
    if (!state) return;
    std::lock_guard lock(state->mu);
    if (state->owner) state->owner->OnTimer(target);
  });
}

template <typename BatchT>
void BatchProcessor<BatchT>::OnTimer(Shard* shard) {
  BatchT ready;
  {
    std::lock_guard lock(mu_);
    shard->timer_armed = false;
    if (stopped_) return;
    ready = std::move(shard->pending);
    shard->pending.Clear();
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
