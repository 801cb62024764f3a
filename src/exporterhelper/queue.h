// The sending queue between an exporter's callers and its consumer threads: bounded, counted in
// batches. Two kinds: in memory, and persistent (each batch written to a storage extension's
// store before Offer returns, deleted once it is sent or dropped, and found again after a
// restart, in the order it was offered).
//
// Threads: every method is thread-safe. Offer runs on the pipeline's threads; Take blocks on
// the consumer threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "exporterhelper/sender.h"
#include "exporterhelper/storage.h"

namespace spdlog {
class logger;
}

namespace ocelot::exporterhelper {

struct QueueItem {
  Request request;
  uint64_t id = 0;  // the record's sequence number in a persistent queue
};

class Queue {
 public:
  virtual ~Queue() = default;
  // OK once the queue holds the batch (a persistent queue: on disk); `request` is moved from
  // only then. A full queue answers consumer::Retryable("sending queue is full").
  virtual absl::Status Offer(Request& request) = 0;
  // Blocks until an item is available. nullopt once the queue is closed and has nothing more
  // to hand out.
  virtual std::optional<QueueItem> Take() = 0;
  // The item taken is finished with (sent, or dropped for good): forget it.
  virtual void Done(const QueueItem& item) = 0;
  // Offer fails from now on. A memory queue still hands out what it holds (the exporter drains
  // it); a persistent queue hands out nothing more and keeps the rest on disk for next time.
  virtual void Close() = 0;
  // Batches waiting (not yet taken).
  virtual size_t Size() = 0;
  virtual size_t Capacity() const = 0;
  // Items (spans, points, records) in the batches still waiting, for the shutdown report.
  virtual size_t WaitingItems() = 0;
  virtual bool persistent() const = 0;
};

class MemoryQueue final : public Queue {
 public:
  explicit MemoryQueue(size_t capacity) : capacity_(capacity) {}
  absl::Status Offer(Request& request) override;
  std::optional<QueueItem> Take() override;
  void Done(const QueueItem&) override {}
  void Close() override;
  size_t Size() override;
  size_t Capacity() const override { return capacity_; }
  size_t WaitingItems() override;
  bool persistent() const override { return false; }

 private:
  const size_t capacity_;
  std::mutex mu_;  // guards items_, closed_
  std::condition_variable cv_;
  std::deque<Request> items_;
  bool closed_ = false;
};

// Records are keyed "q" + 8-byte big-endian sequence number, so key order is offer order.
// Capacity counts every stored record (waiting or being sent).
class PersistentQueue final : public Queue {
 public:
  // Reads what a previous run left in `client` (logged with its count). Records that do not
  // decode are dropped with an error when they are taken.
  static absl::StatusOr<std::unique_ptr<PersistentQueue>> Open(
      std::unique_ptr<StorageClient> client, size_t capacity,
      std::shared_ptr<spdlog::logger> logger);

  absl::Status Offer(Request& request) override;
  std::optional<QueueItem> Take() override;
  void Done(const QueueItem& item) override;
  void Close() override;
  size_t Size() override;
  size_t Capacity() const override { return capacity_; }
  size_t WaitingItems() override;
  bool persistent() const override { return true; }
  // Records on disk (waiting and in flight).
  size_t Stored();

 private:
  struct Waiting {
    uint64_t seq;
    size_t items;
  };
  PersistentQueue(std::unique_ptr<StorageClient> client, size_t capacity,
                  std::shared_ptr<spdlog::logger> logger)
      : client_(std::move(client)), capacity_(capacity), logger_(std::move(logger)) {}

  std::unique_ptr<StorageClient> client_;
  const size_t capacity_;
  std::shared_ptr<spdlog::logger> logger_;

  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::deque<Waiting> waiting_;
  size_t in_flight_ = 0;
  size_t reserved_ = 0;  // offers being written, counted against capacity
  uint64_t next_seq_ = 1;
  bool closed_ = false;
};

std::string QueueKey(uint64_t seq);

}  // namespace ocelot::exporterhelper
