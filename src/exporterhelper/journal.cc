#include "exporterhelper/journal.h"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <set>

#include "exporterhelper/exporter.h"
#include "exporterhelper/request_codec.h"

namespace ocelot::exporterhelper {

using journal_internal::Holder;
using journal_internal::HolderDeleter;
using journal_internal::Token;

namespace {

constexpr char kPrefix[] = "j";

std::string JournalKey(uint64_t seq) {
  std::string key = kPrefix;
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>(seq >> (8 * i)));
  return key;
}

}  // namespace

struct Journal::State {
  std::shared_ptr<spdlog::logger> logger;
  std::unique_ptr<StorageClient> client;  // set by Start

  mutable std::mutex mu;  // guards everything below
  bool journaling = false;
  uint64_t next_seq = 1;
  std::vector<uint64_t> released;   // released since the last flush
  std::vector<uint64_t> releasing;  // released before it: deleted at the next flush
  std::set<uint64_t> pinned;        // refused downstream after the client was answered
  size_t records = 0;

  // The last chunk of entry `seq` is gone; `keep` when an exporter refused it.
  void Done(uint64_t seq, bool keep) {
    std::lock_guard lock(mu);
    if (keep) {
      pinned.insert(seq);
    } else {
      released.push_back(seq);
    }
  }

  // Deletes `seqs` in one transaction.
  void Delete(const std::vector<uint64_t>& seqs) {
    if (seqs.empty() || !client) return;
    std::vector<StorageClient::Operation> ops;
    ops.reserve(seqs.size());
    for (uint64_t seq : seqs) {
      ops.push_back({StorageClient::Operation::Kind::kDelete, JournalKey(seq), {}});
    }
    absl::Status s = client->Apply(ops);
    if (!s.ok()) {
      logger->error(
          "journal: cannot delete {} released batches (they will be passed on again "
          "after a restart): {}",
          seqs.size(), std::string(s.message()));
      return;
    }
    std::lock_guard lock(mu);
    records -= std::min(records, seqs.size());
  }

  ~State() {
    // Tokens that outlived the journal's shutdown released their entries here.
    std::vector<uint64_t> rest = releasing;
    rest.insert(rest.end(), released.begin(), released.end());
    Delete(rest);
  }
};

namespace journal_internal {
struct Token {
  Token(std::shared_ptr<Journal::State> s, uint64_t q) : state(std::move(s)), seq(q) {}
  ~Token() { state->Done(seq, refused && !client_retries); }
  std::shared_ptr<Journal::State> state;
  const uint64_t seq;
  std::atomic<bool> refused{false};         // an exporter refused a chunk (retryable)
  std::atomic<bool> client_retries{false};  // the client was answered with an error
};
}  // namespace journal_internal

namespace {

template <typename BatchT>
BatchT Wrap(const BatchT& batch, const std::shared_ptr<Token>& token) {
  BatchT out;
  for (const auto& e : batch.entries()) {
    // Splits and copies made downstream keep this chunk (and so its holder) alive.
    const_cast<typename BatchT::ChunkT&>(*e.chunk).MarkFollowed();
    auto* holder = new Holder{e.chunk, token};
    std::shared_ptr<Holder> owner(holder, HolderDeleter{holder});
    // An aliasing pointer: the chunk as before, owned through its holder.
    out.Append(typename BatchT::ChunkPtr(owner, e.chunk.get()), e.items);
  }
  return out;
}

}  // namespace

void MarkRefused(const Request& request) {
  std::visit(
      [](const auto& batch) {
        for (const auto& e : batch.entries()) {
          // A chunk split or copied from a journaled one carries the journaled original.
          auto* d = std::get_deleter<HolderDeleter>(e.chunk);
          if (d == nullptr && e.chunk->origin())
            d = std::get_deleter<HolderDeleter>(e.chunk->origin());
          if (d != nullptr) d->holder->token->refused = true;
        }
      },
      request);
}

template <typename BatchT>
class Journal::Entrance final : public consumer::Consumer<BatchT> {
 public:
  Entrance(std::shared_ptr<State> state, consumer::Consumer<BatchT>* next)
      : state_(std::move(state)), next_(next) {}

  absl::Status Consume(BatchT batch) override {
    uint64_t seq;
    {
      std::lock_guard lock(state_->mu);
      // Not journaling before Start (nothing runs) or after Shutdown (receivers are stopped).
      if (!state_->journaling) return next_->Consume(std::move(batch));
      if (!state_->pinned.empty()) {
        return consumer::Retryable(
            "the exporters' queues are full: earlier data is waiting for room; retry later");
      }
      seq = state_->next_seq++;
    }
    Request request(std::move(batch));
    thread_local std::string record;
    record.clear();
    EncodeRequest(request, &record);
    absl::Status stored = state_->client->Set(JournalKey(seq), record);
    if (record.capacity() > (16u << 20)) std::string().swap(record);
    if (!stored.ok()) {
      return consumer::Retryable("journal: cannot store the batch: " +
                                 std::string(stored.message()));
    }
    {
      std::lock_guard lock(state_->mu);
      ++state_->records;
    }
    return Pass(std::get<BatchT>(request), seq, /*replay=*/false);
  }

  // Passes a journaled batch on under a token for entry `seq`.
  absl::Status Pass(const BatchT& batch, uint64_t seq, bool replay) {
    // Held here until the answer is known, so the token cannot die before it is marked.
    auto token = std::make_shared<Token>(state_, seq);
    absl::Status s = next_->Consume(Wrap(batch, token));
    if (!s.ok()) {
      if (replay) {
        // Nobody to tell: keep a retryable refusal for the next flush, drop a permanent one.
        if (consumer::IsRetryable(s)) token->refused = true;
      } else {
        token->client_retries = true;  // the client owns the retry; no record needed
      }
    }
    return s;
  }

 private:
  std::shared_ptr<State> state_;
  consumer::Consumer<BatchT>* const next_;
};

struct Journal::Timer {
  explicit Timer(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
  std::mutex mu;  // guards owner
  Journal* owner = nullptr;
};

Journal::Journal(const component::CreateSettings& settings, component::Id storage,
                 component::NextConsumers downstream, std::chrono::milliseconds flush_interval)
    : id_(settings.id),
      storage_(std::move(storage)),
      flush_interval_(flush_interval),
      state_(std::make_shared<State>()) {
  state_->logger = settings.logger ? settings.logger : spdlog::default_logger();
  if (downstream.traces)
    traces_ = std::make_unique<Entrance<pdata::Traces>>(state_, downstream.traces);
  if (downstream.metrics) {
    metrics_ = std::make_unique<Entrance<pdata::Metrics>>(state_, downstream.metrics);
  }
  if (downstream.logs) logs_ = std::make_unique<Entrance<pdata::Logs>>(state_, downstream.logs);
}

Journal::~Journal() { Shutdown(); }

component::NextConsumers Journal::entrances() {
  return component::NextConsumers{traces_.get(), metrics_.get(), logs_.get()};
}

absl::Status Journal::Start(component::Host& host) {
  auto storage = FindStorage(host, storage_);
  if (!storage.ok()) return storage.status();
  auto client = (*storage)->GetClient(component::Kind::kReceiver, id_, "journal");
  if (!client.ok()) {
    return absl::Status(client.status().code(), "cannot open the journal of receiver " +
                                                    id_.ToString() + ": " +
                                                    std::string(client.status().message()));
  }
  state_->client = *std::move(client);
  std::vector<uint64_t> left;
  absl::Status s = state_->client->Scan(kPrefix, [&](std::string_view key, std::string_view) {
    if (key.size() != 9) return true;
    uint64_t seq = 0;
    for (size_t i = 1; i < 9; ++i) seq = (seq << 8) | static_cast<uint8_t>(key[i]);
    left.push_back(seq);
    return true;
  });
  if (!s.ok()) return s;
  {
    std::lock_guard lock(state_->mu);
    state_->records = left.size();
    if (!left.empty()) state_->next_seq = left.back() + 1;
    state_->journaling = true;
  }
  if (!left.empty()) {
    state_->logger->info(
        "journal: passing on {} batches accepted before the last stop that had "
        "not reached the exporters' persistent queues",
        left.size());
  }
  for (uint64_t seq : left) {
    auto record = state_->client->Get(JournalKey(seq));
    if (!record.ok()) return record.status();
    if (!record->has_value()) continue;
    if (absl::Status r = Replay(seq, **record); !r.ok() && !consumer::IsRetryable(r)) {
      state_->logger->error("journal: dropping stored batch {}: {}", seq, std::string(r.message()));
    }
  }
  timer_ = std::make_shared<Timer>(host.io_context());
  timer_->owner = this;
  ScheduleFlush();
  return absl::OkStatus();
}

absl::Status Journal::Replay(uint64_t seq, std::string_view record) {
  auto request = DecodeRequest(record);
  if (!request.ok()) {
    state_->Done(seq, /*keep=*/false);
    return request.status();
  }
  auto no_route = [&] {
    state_->Done(seq, false);
    return absl::FailedPreconditionError("its signal (" +
                                         std::string(pdata::SignalName(SignalOf(*request))) +
                                         ") is no longer routed from this receiver");
  };
  switch (SignalOf(*request)) {
    case pdata::Signal::kTraces:
      if (!traces_) return no_route();
      return traces_->Pass(std::get<pdata::Traces>(*request), seq, true);
    case pdata::Signal::kMetrics:
      if (!metrics_) return no_route();
      return metrics_->Pass(std::get<pdata::Metrics>(*request), seq, true);
    case pdata::Signal::kLogs:
      if (!logs_) return no_route();
      return logs_->Pass(std::get<pdata::Logs>(*request), seq, true);
  }
  return absl::OkStatus();
}

void Journal::ScheduleFlush() {
  timer_->timer.expires_after(flush_interval_);
  std::weak_ptr<Timer> weak = timer_;
  timer_->timer.async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;
    auto t = weak.lock();
    if (!t) return;
    std::lock_guard lock(t->mu);
    if (t->owner == nullptr) return;
    t->owner->Flush();
    t->owner->ScheduleFlush();
  });
}

void Journal::Flush() {
  std::vector<uint64_t> to_delete;
  std::vector<uint64_t> retry;
  {
    std::lock_guard lock(state_->mu);
    // Released entries wait one flush interval before their records go: a processor that
    // splits a chunk releases the original a moment before the pieces reach the exporters.
    to_delete.swap(state_->releasing);
    state_->releasing.swap(state_->released);
    retry.assign(state_->pinned.begin(), state_->pinned.end());
    state_->pinned.clear();
  }
  state_->Delete(to_delete);
  for (uint64_t seq : retry) {
    auto record = state_->client->Get(JournalKey(seq));
    if (!record.ok() || !record->has_value()) {
      if (!record.ok()) state_->Done(seq, /*keep=*/true);
      continue;
    }
    absl::Status s = Replay(seq, **record);
    if (!s.ok() && !consumer::IsRetryable(s)) {
      state_->logger->error("journal: dropping stored batch {}: {}", seq, std::string(s.message()));
    }
  }
}

void Journal::FlushForTest() { Flush(); }

void Journal::Shutdown() {
  if (timer_) {
    std::lock_guard lock(timer_->mu);  // waits for a running flush
    timer_->owner = nullptr;
    timer_->timer.cancel();
  }
  timer_.reset();
  size_t pinned = 0;
  std::vector<uint64_t> to_delete;
  {
    std::lock_guard lock(state_->mu);
    if (!state_->journaling) return;
    state_->journaling = false;
    // The processors have flushed into the exporters by now: everything released is safe.
    to_delete.swap(state_->releasing);
    to_delete.insert(to_delete.end(), state_->released.begin(), state_->released.end());
    state_->released.clear();
    pinned = state_->pinned.size();
  }
  state_->Delete(to_delete);
  // Close the store now rather than when the last straggling token dies: a reload opens the
  // next graph's journal on the same file right away. A record released later is then only
  // passed on again at the next start (a duplicate, never a loss).
  state_->client.reset();
  if (pinned > 0) {
    state_->logger->warn(
        "journal: {} batches the exporters' queues refused stay in the journal "
        "and are passed on after the next start",
        pinned);
  }
}

size_t Journal::Records() const {
  std::lock_guard lock(state_->mu);
  return state_->records;
}

std::optional<component::Id> JournalStorageFor(const std::vector<FedPipeline>& pipelines) {
  for (const FedPipeline& p : pipelines) {
    if (!p.has_processors || p.exporters.empty()) continue;
    std::optional<component::Id> storage;
    bool all_persistent = true;
    for (component::ConsumingComponent* c : p.exporters) {
      auto* e = dynamic_cast<Exporter*>(c);
      if (e == nullptr || !e->persistent()) {
        all_persistent = false;
        break;
      }
      if (!storage) storage = e->settings().queue.storage;
    }
    if (all_persistent && storage) return storage;
  }
  return std::nullopt;
}

}  // namespace ocelot::exporterhelper
