// The in-memory and the persistent sending queue.
#include "exporterhelper/queue.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "exporterhelper/request_codec.h"

namespace ocelot::exporterhelper {
namespace {

constexpr char kQueuePrefix[] = "q";

absl::Status QueueFull() { return consumer::Retryable("sending queue is full"); }

}  // namespace

std::string QueueKey(uint64_t seq) {
  std::string key = kQueuePrefix;
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>(seq >> (8 * i)));
  return key;
}

// --- MemoryQueue ---

absl::Status MemoryQueue::Offer(Request& request) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return consumer::Retryable("the exporter is shutting down");
    if (items_.size() >= capacity_) return QueueFull();
    items_.push_back(std::move(request));
  }
  cv_.notify_one();
  return absl::OkStatus();
}

std::optional<QueueItem> MemoryQueue::Take() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return closed_ || !items_.empty(); });
  if (items_.empty()) return std::nullopt;
  QueueItem item{std::move(items_.front()), 0};
  items_.pop_front();
  return item;
}

void MemoryQueue::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

size_t MemoryQueue::Size() {
  std::lock_guard lock(mu_);
  return items_.size();
}

size_t MemoryQueue::WaitingItems() {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const Request& r : items_) n += ItemCount(r);
  return n;
}

// --- PersistentQueue ---

absl::StatusOr<std::unique_ptr<PersistentQueue>> PersistentQueue::Open(
    std::unique_ptr<StorageClient> client, size_t capacity,
    std::shared_ptr<spdlog::logger> logger) {
  std::unique_ptr<PersistentQueue> q(
      new PersistentQueue(std::move(client), capacity, std::move(logger)));
  size_t items = 0;
  absl::Status s =
      q->client_->Scan(kQueuePrefix, [&](std::string_view key, std::string_view value) {
        if (key.size() != 9) return true;  // not ours
        uint64_t seq = 0;
        for (size_t i = 1; i < 9; ++i) seq = (seq << 8) | static_cast<uint8_t>(key[i]);
        size_t n = RecordItemCount(value);
        q->waiting_.push_back(Waiting{seq, n});
        q->next_seq_ = std::max(q->next_seq_, seq + 1);
        items += n;
        return true;
      });
  if (!s.ok()) return s;
  if (!q->waiting_.empty()) {
    q->logger_->info(
        "persistent queue: {} batches ({} items) left by the previous run will be sent first",
        q->waiting_.size(), items);
  }
  return q;
}

absl::Status PersistentQueue::Offer(Request& request) {
  uint64_t seq;
  {
    std::lock_guard lock(mu_);
    if (closed_) return consumer::Retryable("the exporter is shutting down");
    if (waiting_.size() + in_flight_ + reserved_ >= capacity_) return QueueFull();
    seq = next_seq_++;
    ++reserved_;
  }
  size_t items = ItemCount(request);
  // Encoding and writing run outside the lock, so concurrent offers overlap their encoding.
  thread_local std::string record;
  record.clear();
  EncodeRequest(request, &record);
  absl::Status s = client_->Set(QueueKey(seq), record);
  if (record.capacity() > (16u << 20)) std::string().swap(record);  // do not pin huge buffers
  {
    std::lock_guard lock(mu_);
    --reserved_;
    if (!s.ok()) {
      return consumer::Retryable("persistent queue: cannot store the batch: " +
                                 std::string(s.message()));
    }
    // Keep waiting_ in sequence order; concurrent offers may commit out of order.
    auto it = waiting_.end();
    while (it != waiting_.begin() && std::prev(it)->seq > seq) --it;
    waiting_.insert(it, Waiting{seq, items});
  }
  cv_.notify_one();
  return absl::OkStatus();
}

std::optional<QueueItem> PersistentQueue::Take() {
  for (;;) {
    Waiting next;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return closed_ || !waiting_.empty(); });
      if (closed_) return std::nullopt;
      next = waiting_.front();
      waiting_.pop_front();
      ++in_flight_;
    }
    std::string key = QueueKey(next.seq);
    auto record = client_->Get(key);
    if (record.ok() && record->has_value()) {
      auto request = DecodeRequest(**record);
      if (request.ok()) return QueueItem{std::move(*request), next.seq};
      logger_->error("persistent queue: dropping stored batch {} ({} items): {}", next.seq,
                     next.items, std::string(request.status().message()));
    } else if (!record.ok()) {
      // The store cannot be read right now: put the batch back rather than lose it, and look
      // again in a second (or when the queue closes).
      logger_->error("persistent queue: cannot read stored batch {}: {}", next.seq,
                     std::string(record.status().message()));
      std::unique_lock lock(mu_);
      --in_flight_;
      waiting_.push_front(next);
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return closed_; });
      continue;
    }
    Done(QueueItem{Request{}, next.seq});
  }
}

void PersistentQueue::Done(const QueueItem& item) {
  absl::Status s = client_->Delete(QueueKey(item.id));
  if (!s.ok()) {
    logger_->error(
        "persistent queue: cannot delete sent batch {} (it will be sent again after a "
        "restart): {}",
        item.id, std::string(s.message()));
  }
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  cv_.notify_all();
}

void PersistentQueue::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

size_t PersistentQueue::Size() {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

size_t PersistentQueue::Stored() {
  std::lock_guard lock(mu_);
  return waiting_.size() + in_flight_;
}

size_t PersistentQueue::WaitingItems() {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const Waiting& w : waiting_) n += w.items;
  return n;
}

}  // namespace ocelot::exporterhelper
