// The exporter every ocelot exporter is, by construction: a Sender ("send this batch once")
// wrapped in otelcol's exporterhelper behaviour:
//   sending queue (memory or persistent) → num_consumers threads → retry with exponential
//   back-off (honouring Retry-After / RetryInfo) → per-attempt timeout → Sender::Send.
// With the queue disabled, Consume runs the retry loop on the caller's thread.
//
// Outcomes are counted as otelcol counts them (label exporter="<id>"):
//   otelcol_exporter_sent_{spans,metric_points,log_records}         sent
//   otelcol_exporter_send_failed_{spans,metric_points,log_records}  dropped after trying
//   otelcol_exporter_enqueue_failed_{spans,metric_points,log_records} refused: queue full
//   otelcol_exporter_queue_size, otelcol_exporter_queue_capacity    in batches
//
// Shutdown: a memory queue is drained (each waiting batch gets one attempt, no back-off) for
// at most kDrainTimeout; what is left is dropped and logged with its count. A persistent queue
// is not drained: whatever is not sent stays on disk for the next start.
//
// Threads: Consume may be called from any number of threads; Start and Shutdown from the
// service's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "component/component.h"
#include "exporterhelper/queue.h"
#include "exporterhelper/sender.h"
#include "exporterhelper/settings.h"
#include "telemetry/metrics.h"
#include "telemetry/obsreport.h"

namespace ocelot::exporterhelper {

class Exporter final : public component::ConsumingComponent,
                       public consumer::TracesConsumer,
                       public consumer::MetricsConsumer,
                       public consumer::LogsConsumer {
 public:
  static constexpr std::chrono::seconds kDrainTimeout{5};

  Exporter(const component::CreateSettings& create, Settings settings,
           std::unique_ptr<Sender> sender);
  ~Exporter() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;

  consumer::TracesConsumer* traces() override { return this; }
  consumer::MetricsConsumer* metrics() override { return this; }
  consumer::LogsConsumer* logs() override { return this; }

  absl::Status Consume(pdata::Traces batch) override;
  absl::Status Consume(pdata::Metrics batch) override;
  absl::Status Consume(pdata::Logs batch) override;

  // True when the sending queue is enabled and kept in a storage extension: a batch this
  // exporter accepted is on disk.
  bool persistent() const { return settings_.queue.enabled && settings_.queue.storage.has_value(); }
  const Settings& settings() const { return settings_; }
  Sender& sender() { return *sender_; }

 private:
  absl::Status Submit(Request request);
  // Attempts until sent, a permanent error, retries exhausted, or shutdown. ABORTED means a
  // shutdown interrupted a persistent queue's retry: the batch stays stored.
  absl::Status SendWithRetry(const Request& request);
  absl::Status SendOnce(const Request& request);
  void Record(const Request& request, const absl::Status& status,
              telemetry::Clock::time_point started);
  void ConsumerLoop();
  void UpdateQueueGauge();

  const component::Id id_;
  std::shared_ptr<spdlog::logger> logger_;
  const Settings settings_;
  std::unique_ptr<Sender> sender_;
  telemetry::MetricsRegistry* metrics_;  // may be null (tests): nothing is counted
  // sent / send_failed per final outcome, as otelcol's obsreport sender (also feeds tracez and
  // the health_check status board).
  telemetry::ExporterTelemetry telemetry_;
  telemetry::LazyCounters enqueue_failed_;
  telemetry::Gauge* queue_size_ = nullptr;  // set at Start when the queue is enabled

  std::unique_ptr<Queue> queue_;
  std::vector<std::thread> consumers_;
  std::atomic<bool> running_{false};  // between Start and Shutdown

  std::mutex stop_mu_;  // guards stopping_ and drain_deadline_ (waits on stop_cv_)
  std::condition_variable stop_cv_;
  std::atomic<bool> stopping_{false};
  std::chrono::steady_clock::time_point drain_deadline_;

  std::atomic<int64_t> drained_dropped_items_{0};  // memory queue: given up at shutdown
  std::atomic<int64_t> drained_dropped_batches_{0};
  std::atomic<int64_t> last_full_log_ns_{0};  // rate-limits "queue is full" errors
  std::atomic<int64_t> suppressed_full_logs_{0};
};

}  // namespace ocelot::exporterhelper
