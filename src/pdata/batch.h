// The unit that moves through a pipeline: a batch of one signal, held as a list of chunks.
// Each chunk is one decoded OTLP request on its own arena, shared read-only, so fan-out and
// batching move pointers instead of spans. Only a split at a size limit copies spans, and only
// those of the chunk that is cut.
#pragma once

#include <google/protobuf/arena.h>

#include <memory>
#include <utility>
#include <vector>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "pdata/client_metadata.h"

namespace ocelot::pdata {

enum class Signal { kTraces, kMetrics, kLogs };
const char* SignalName(Signal s);  // "traces", "metrics", "logs"

using TracesRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using MetricsRequest = opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
using LogsRequest = opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;

// One request and the arena that owns it.
template <typename Request>
class Chunk {
 public:
  Chunk() : arena_(std::make_unique<google::protobuf::Arena>(ArenaOptions())) {
    message_ = google::protobuf::Arena::CreateMessage<Request>(arena_.get());
  }
  Chunk(const Chunk&) = delete;
  Chunk& operator=(const Chunk&) = delete;

  Request& message() { return *message_; }
  const Request& message() const { return *message_; }
  google::protobuf::Arena* arena() { return arena_.get(); }

  // The request metadata a receiver attached (include_metadata); null when none.
  const ClientMetadata* metadata() const { return metadata_.get(); }
  void set_metadata(std::shared_ptr<const ClientMetadata> m) { metadata_ = std::move(m); }

  // Chunks that someone follows by identity (the entrance journal, whose release token rides on
  // the chunk's owner) are marked before they are passed on. A chunk derived from a followed one
  // (a split, a copy-on-write) keeps the first followed chunk it came from alive as its origin,
  // so the data stays followed wherever it moves. Unfollowed chunks pay nothing.
  void MarkFollowed() { followed_ = true; }
  bool followed() const { return followed_; }
  // The followed chunk this one was derived from (null if none). Always the root, never a
  // chain: repeated splits of a large chunk keep one original alive, not every intermediate.
  const std::shared_ptr<const void>& origin() const { return origin_; }
  // Makes `derived` carry `source`'s metadata, and its origin (or `source` itself) when
  // `source` is followed.
  static void Derive(const std::shared_ptr<const Chunk>& source, Chunk& derived) {
    derived.metadata_ = source->metadata_;
    if (source->origin_) {
      derived.origin_ = source->origin_;
    } else if (source->followed_) {
      derived.origin_ = source;
    }
    derived.followed_ = source->followed_;
  }

 private:
  static google::protobuf::ArenaOptions ArenaOptions() {
    google::protobuf::ArenaOptions o;
    o.start_block_size = 4096;
    o.max_block_size = 256 * 1024;
    return o;
  }
  std::unique_ptr<google::protobuf::Arena> arena_;
  Request* message_;
  bool followed_ = false;
  std::shared_ptr<const void> origin_;
  std::shared_ptr<const ClientMetadata> metadata_;
};

// Number of items the batch processor counts: spans, metric data points, log records.
size_t CountItems(const TracesRequest& r);
size_t CountItems(const MetricsRequest& r);
size_t CountItems(const LogsRequest& r);

// Moves the first `n` items of `src` into `head` and the rest into `tail` (both empty on
// entry), keeping resource and scope alongside each item as the Go collector's split does.
void SplitItems(const TracesRequest& src, size_t n, TracesRequest* head, TracesRequest* tail);
void SplitItems(const MetricsRequest& src, size_t n, MetricsRequest* head, MetricsRequest* tail);
void SplitItems(const LogsRequest& src, size_t n, LogsRequest* head, LogsRequest* tail);

template <typename Request>
class Batch {
 public:
  using ChunkT = Chunk<Request>;
  using ChunkPtr = std::shared_ptr<const ChunkT>;
  struct Entry {
    ChunkPtr chunk;
    size_t items;
  };

  Batch() = default;
  // A batch of one chunk, counting its items.
  explicit Batch(ChunkPtr chunk) { Append(std::move(chunk)); }

  void Append(ChunkPtr chunk) {
    size_t n = CountItems(chunk->message());
    Append(std::move(chunk), n);
  }
  void Append(ChunkPtr chunk, size_t items) {
    items_ += items;
    entries_.push_back(Entry{std::move(chunk), items});
  }
  void Append(Batch&& other) {
    for (Entry& e : other.entries_) Append(std::move(e.chunk), e.items);
    other.Clear();
  }

  size_t item_count() const { return items_; }
  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }
  void Clear() {
    entries_.clear();
    items_ = 0;
  }

  // Takes at most `max_items` items off the front. Whole chunks move; the one chunk that
  // straddles the limit is split into two new chunks.
  Batch TakeFront(size_t max_items) {
    Batch head;
    size_t i = 0;
    while (i < entries_.size() && head.items_ + entries_[i].items <= max_items) {
      head.Append(std::move(entries_[i].chunk), entries_[i].items);
      ++i;
    }
    if (i < entries_.size() && head.items_ < max_items) {
      size_t want = max_items - head.items_;
      auto first = std::make_shared<ChunkT>();
      auto rest = std::make_shared<ChunkT>();
      SplitItems(entries_[i].chunk->message(), want, &first->message(), &rest->message());
      ChunkT::Derive(entries_[i].chunk, *first);
      ChunkT::Derive(entries_[i].chunk, *rest);
      size_t rest_items = entries_[i].items - want;
      head.Append(std::move(first), want);
      entries_[i] = Entry{std::move(rest), rest_items};
    }
    entries_.erase(entries_.begin(), entries_.begin() + i);
    items_ -= head.items_;
    return head;
  }

  // Copy-on-write access to chunk i for a processor that mutates data: the chunk itself when
  // this batch holds the only reference (the common case: one pipeline), else a private deep
  // copy that replaces it here, so other pipelines sharing the chunk never see the change.
  // Call Recount() after removing or adding items.
  Request& MutableMessage(size_t i) {
    Entry& e = entries_[i];
    if (e.chunk.use_count() != 1) {
      auto copy = std::make_shared<ChunkT>();
      copy->message().CopyFrom(e.chunk->message());
      ChunkT::Derive(e.chunk, *copy);
      e.chunk = std::move(copy);
    }
    return const_cast<ChunkT&>(*e.chunk).message();
  }
  // Recomputes item counts after mutation and drops chunks left empty.
  void Recount() {
    items_ = 0;
    std::vector<Entry> kept;
    for (Entry& e : entries_) {
      e.items = CountItems(e.chunk->message());
      items_ += e.items;
      if (e.items > 0) kept.push_back(std::move(e));
    }
    entries_ = std::move(kept);
  }

  // One request holding every chunk's content. Copies; for exporters whose wire format needs a
  // single message. (Serialising the chunks one after another gives the same protobuf bytes.)
  void MergeInto(Request* out) const {
    for (const Entry& e : entries_) out->MergeFrom(e.chunk->message());
  }

 private:
  std::vector<Entry> entries_;
  size_t items_ = 0;
};

using Traces = Batch<TracesRequest>;
using Metrics = Batch<MetricsRequest>;
using Logs = Batch<LogsRequest>;

}  // namespace ocelot::pdata
