#include "exporterhelper/exporter.h"

#include <spdlog/spdlog.h>

#include "exporterhelper/backoff.h"
#include "exporterhelper/journal.h"

namespace ocelot::exporterhelper {
namespace {

using Clock = std::chrono::steady_clock;

std::string FormatDelay(std::chrono::nanoseconds d) {
  return config::FormatDuration(std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

}  // namespace

Exporter::Exporter(const component::CreateSettings& create, Settings settings,
                   std::unique_ptr<Sender> sender)
    : id_(create.id),
      logger_(create.logger ? create.logger : spdlog::default_logger()),
      settings_(std::move(settings)),
      sender_(std::move(sender)),
      metrics_(create.metrics),
      telemetry_(create.metrics, create.id.ToString()),
      enqueue_failed_(create.metrics, "otelcol_exporter_enqueue_failed_",
                      {{"exporter", create.id.ToString()}},
                      "failed to be added to the sending queue.") {}

Exporter::~Exporter() { Shutdown(); }

absl::Status Exporter::Start(component::Host& host) {
  if (absl::Status s = sender_->Start(host); !s.ok()) return s;
  if (settings_.queue.enabled) {
    size_t capacity = static_cast<size_t>(settings_.queue.queue_size);
    if (settings_.queue.storage) {
      auto storage = FindStorage(host, *settings_.queue.storage);
      if (!storage.ok()) {
        sender_->Shutdown();
        return absl::Status(storage.status().code(),
                            "sending_queue::storage: " + std::string(storage.status().message()));
      }
      auto client = (*storage)->GetClient(component::Kind::kExporter, id_, "sending_queue");
      absl::StatusOr<std::unique_ptr<PersistentQueue>> q =
          client.ok() ? PersistentQueue::Open(std::move(*client), capacity, logger_)
                      : absl::StatusOr<std::unique_ptr<PersistentQueue>>(client.status());
      if (!q.ok()) {
        sender_->Shutdown();
        return absl::Status(q.status().code(),
                            "sending_queue: cannot open the persistent queue in " +
                                settings_.queue.storage->ToString() + ": " +
                                std::string(q.status().message()));
      }
      queue_ = *std::move(q);
    } else {
      queue_ = std::make_unique<MemoryQueue>(capacity);
    }
    if (metrics_ != nullptr) {
      const telemetry::Labels labels = {{"exporter", id_.ToString()}};
      queue_size_ = &metrics_->GetGauge("otelcol_exporter_queue_size", labels,
                                        "Current size of the retry queue (in batches)");
      metrics_
          ->GetGauge("otelcol_exporter_queue_capacity", labels,
                     "Fixed capacity of the retry queue (in batches)")
          .Set(static_cast<double>(capacity));
    }
    UpdateQueueGauge();
    for (int i = 0; i < settings_.queue.num_consumers; ++i) {
      consumers_.emplace_back([this] { ConsumerLoop(); });
    }
  }
  running_ = true;
  return absl::OkStatus();
}

void Exporter::Shutdown() {
  if (!running_.exchange(false)) return;
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
    drain_deadline_ = Clock::now() + kDrainTimeout;
  }
  stop_cv_.notify_all();
  if (queue_) {
    queue_->Close();
    for (std::thread& t : consumers_) t.join();
    consumers_.clear();
    if (queue_->persistent()) {
      size_t kept = queue_->Size();
      if (kept > 0) {
        logger_->info(
            "{} batches ({} items) stay in the persistent queue and are sent after the "
            "next start",
            kept, queue_->WaitingItems());
      }
    } else if (drained_dropped_batches_ > 0) {
      logger_->error("shutdown: dropped {} items ({} batches) that could not be sent within {}",
                     drained_dropped_items_.load(), drained_dropped_batches_.load(),
                     FormatDelay(kDrainTimeout));
    }
    UpdateQueueGauge();
    // Closes a persistent queue's store now, not when the graph is destroyed: a reload starts
    // the next graph's exporter on the same store first.
    queue_.reset();
  }
  sender_->Shutdown();
}

absl::Status Exporter::Consume(pdata::Traces batch) { return Submit(std::move(batch)); }
absl::Status Exporter::Consume(pdata::Metrics batch) { return Submit(std::move(batch)); }
absl::Status Exporter::Consume(pdata::Logs batch) { return Submit(std::move(batch)); }

absl::Status Exporter::Submit(Request request) {
  size_t items = ItemCount(request);
  if (items == 0) return absl::OkStatus();
  if (!running_) return consumer::Retryable("exporter " + id_.ToString() + " is not running");
  if (!queue_) {
    auto started = telemetry::Clock::now();
    absl::Status s = SendWithRetry(request);
    Record(request, s, started);
    if (consumer::IsRetryable(s)) MarkRefused(request);
    return s;
  }
  pdata::Signal signal = SignalOf(request);
  absl::Status s = queue_->Offer(request);
  if (!s.ok()) {
    // The caller may have answered its client already (a batch processor in between): an
    // entrance journal must keep this data for a later attempt.
    MarkRefused(request);
    if (telemetry::Counter* c = enqueue_failed_.For(signal)) c->Add(static_cast<int64_t>(items));
    // Under sustained overload every refused batch would log; one line a second says enough.
    int64_t now = Clock::now().time_since_epoch().count();
    int64_t last = last_full_log_ns_.load(std::memory_order_relaxed);
    if (now - last >= std::chrono::nanoseconds(std::chrono::seconds(1)).count() &&
        last_full_log_ns_.compare_exchange_strong(last, now)) {
      logger_->error(
          "Exporting failed. Rejecting data. {} (rejected_items: {}, refused since last "
          "report: {})",
          std::string(s.message()), items, suppressed_full_logs_.exchange(0) + 1);
    } else {
      suppressed_full_logs_.fetch_add(1, std::memory_order_relaxed);
    }
    return s;
  }
  UpdateQueueGauge();
  return absl::OkStatus();
}

absl::Status Exporter::SendOnce(const Request& request) {
  Deadline deadline = settings_.timeout.timeout.count() > 0
                          ? Clock::now() + settings_.timeout.timeout
                          : kNoDeadline;
  return std::visit([&](const auto& batch) { return sender_->Send(batch, deadline); }, request);
}

absl::Status Exporter::SendWithRetry(const Request& request) {
  std::optional<Backoff> backoff;
  bool persistent = queue_ && queue_->persistent();
  for (;;) {
    absl::Status s = SendOnce(request);
    if (s.ok()) return s;
    if (!consumer::IsRetryable(s)) {
      logger_->error(
          "Exporting failed. The error is not retryable. Dropping data. {} "
          "(dropped_items: {})",
          std::string(s.message()), ItemCount(request));
      return s;
    }
    if (!settings_.retry.enabled) return s;
    if (stopping_) {
      if (persistent) {
        return absl::AbortedError("interrupted due to shutdown: " + std::string(s.message()));
      }
      return s;  // a draining memory queue tries each batch once
    }
    if (!backoff) backoff.emplace(settings_.retry);
    std::optional<std::chrono::nanoseconds> delay = backoff->Next();
    if (!delay) {
      return absl::Status(s.code(), "no more retries left: " + std::string(s.message()));
    }
    if (auto asked = RetryAfterOf(s); asked && *asked > *delay) delay = asked;
    logger_->info("Exporting failed. Will retry the request after interval. {} (interval: {})",
                  std::string(s.message()), FormatDelay(*delay));
    std::unique_lock lock(stop_mu_);
    if (stop_cv_.wait_for(lock, *delay, [&] { return stopping_.load(); }) && persistent) {
      return absl::AbortedError("interrupted due to shutdown: " + std::string(s.message()));
    }
    // Interrupted or not, a memory queue makes one more attempt (draining: the last one).
  }
}

void Exporter::Record(const Request& request, const absl::Status& status,
                      telemetry::Clock::time_point started) {
  telemetry_.Record(SignalOf(request), static_cast<int64_t>(ItemCount(request)), status, started);
}

void Exporter::ConsumerLoop() {
  while (std::optional<QueueItem> item = queue_->Take()) {
    UpdateQueueGauge();
    auto started = telemetry::Clock::now();
    bool past_deadline;
    {
      std::lock_guard lock(stop_mu_);
      past_deadline = stopping_ && Clock::now() >= drain_deadline_;
    }
    if (past_deadline) {
      // Draining took too long: give up on what is left (counted and logged at the end).
      Record(item->request, absl::UnavailableError("dropped at shutdown"), started);
      drained_dropped_items_ += static_cast<int64_t>(ItemCount(item->request));
      ++drained_dropped_batches_;
      queue_->Done(*item);
      continue;
    }
    absl::Status s = SendWithRetry(item->request);
    if (s.code() == absl::StatusCode::kAborted) continue;  // stays in the persistent queue
    Record(item->request, s, started);
    if (!s.ok()) {
      if (stopping_ && !queue_->persistent()) {
        drained_dropped_items_ += static_cast<int64_t>(ItemCount(item->request));
        ++drained_dropped_batches_;
      } else if (consumer::IsRetryable(s)) {
        logger_->error("Exporting failed. Dropping data. {} (dropped_items: {})",
                       std::string(s.message()), ItemCount(item->request));
      }
    }
    queue_->Done(*item);
    UpdateQueueGauge();
  }
}

void Exporter::UpdateQueueGauge() {
  if (queue_ && queue_size_ != nullptr) queue_size_->Set(static_cast<double>(queue_->Size()));
}

}  // namespace ocelot::exporterhelper
