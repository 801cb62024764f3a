// The entrance journal: what makes "answered OK" mean "on disk" for a pipeline whose exporters
// use a persistent queue but whose processors hold data in memory first (the batch processor).
// It sits between a receiver and the pipelines it feeds (wired by the service graph) and:
//   1. writes every incoming batch to its store before passing it on, so the receiver answers
//      its client only once the batch is on disk;
//   2. passes the batch on with each chunk wrapped in a holder that carries a release token;
//      the holder lives as long as any pipeline stage holds the chunk;
//   3. when the last holder of a batch's chunks is gone, every stage has either handed the data
//      to the exporters' persistent queues (on disk there) or dropped it on purpose, and the
//      record is deleted (one flush interval later, in one transaction with others);
//   4. if an exporter refused a chunk with a retryable error (a full queue) after the client had
//      been answered OK, the record is kept ("pinned") and offered again every flush interval,
//      and new data is refused (UNAVAILABLE / 503) until it is through: back-pressure reaches
//      the clients even with a batch processor in between;
//   5. at start, before receivers accept anything, every record left by the previous run is
//      passed on again (at-least-once: a crash can repeat what was released but not yet
//      deleted).
// See docs/reliable-delivery.md for the design and its limits.
//
// Threads: the entrances run on the receivers' threads; releases run wherever the last chunk
// reference drops; the flush timer runs on the I/O pool. State is guarded by one mutex.
#pragma once

#include <atomic>
#include <memory>

#include "component/component.h"
#include "exporterhelper/sender.h"
#include "exporterhelper/storage.h"

namespace ocelot::exporterhelper {

namespace journal_internal {
struct Token;
// Owns a journaled chunk (type-erased) and its entry's release token.
struct Holder {
  std::shared_ptr<const void> chunk;
  std::shared_ptr<Token> token;
};
// The deleter of a holder's control block; exporters find the holder of a chunk through
// std::get_deleter on the chunk pointer (an aliasing pointer into the holder).
struct HolderDeleter {
  Holder* holder;
  void operator()(Holder* h) const { delete h; }
};
}  // namespace journal_internal

// Called by the exporter helper when it refuses a batch with a retryable error: the journal
// keeps the records of the journaled chunks in it.
void MarkRefused(const Request& request);

class Journal final : public component::Component {
 public:
  static constexpr std::chrono::milliseconds kFlushInterval{1000};

  // `settings.id` is the receiver's; `downstream` what the receiver would feed without a
  // journal.
  Journal(const component::CreateSettings& settings, component::Id storage,
          component::NextConsumers downstream,
          std::chrono::milliseconds flush_interval = kFlushInterval);
  ~Journal() override;

  // The consumers to hand the receiver instead of `downstream`.
  component::NextConsumers entrances();

  // Opens the store and passes on what the previous run left.
  absl::Status Start(component::Host& host) override;
  // Deletes what has been released; pinned records stay for the next start.
  void Shutdown() override;

  // Records in the store (for tests and the shutdown report).
  size_t Records() const;
  // Runs the flush now (tests; normally the timer does).
  void FlushForTest();

  struct State;

 private:
  template <typename BatchT>
  class Entrance;
  struct Timer;

  absl::Status Replay(uint64_t seq, std::string_view record);
  void ScheduleFlush();
  void Flush();

  const component::Id id_;
  const component::Id storage_;
  const std::chrono::milliseconds flush_interval_;
  std::shared_ptr<State> state_;
  std::unique_ptr<Entrance<pdata::Traces>> traces_;
  std::unique_ptr<Entrance<pdata::Metrics>> metrics_;
  std::unique_ptr<Entrance<pdata::Logs>> logs_;
  std::shared_ptr<Timer> timer_;
};

// The storage extension a receiver's journal should use, given the exporters of the pipelines
// the receiver feeds: the first exporter's persistent-queue storage, if some pipeline has
// processors and only exporters with a persistent queue. `pipelines` lists, per pipeline fed,
// whether it has processors and its exporters.
struct FedPipeline {
  bool has_processors = false;
  std::vector<component::ConsumingComponent*> exporters;
};
std::optional<component::Id> JournalStorageFor(const std::vector<FedPipeline>& pipelines);

}  // namespace ocelot::exporterhelper
