// Groups incoming batches until send_batch_size items are waiting or `timeout` has passed
// since the first of them arrived, then sends them on, split at send_batch_max_size.
//
// Threads: Consume runs on receiver threads and sends a full batch on the calling thread (so a
// slow exporter slows the sender: back-pressure); the timeout flush runs on the I/O pool.
// Incoming chunks are appended by pointer, never copied; the lock is taken once per request.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "component/component.h"
#include "processor/batch/config.h"
#include "telemetry/obsreport.h"

namespace ocelot::processor::batch {

template <typename BatchT>
class BatchProcessor final : public component::ConsumingComponent,
                             public consumer::Consumer<BatchT> {
 public:
  // `metrics` may be null (tests); then nothing is counted.
  BatchProcessor(const Config& config, consumer::Consumer<BatchT>* next,
                 std::shared_ptr<spdlog::logger> logger,
                 telemetry::MetricsRegistry* metrics = nullptr, const std::string& id = "batch");
  ~BatchProcessor() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;
  absl::Status Consume(BatchT batch) override;

  consumer::TracesConsumer* traces() override;
  consumer::MetricsConsumer* metrics() override;
  consumer::LogsConsumer* logs() override;

 private:
  struct TimerState;
  // Sends `ready` in pieces of at most send_batch_max_size items.
  void Send(BatchT ready, telemetry::BatchProcessorTelemetry::Trigger trigger);
  void ArmTimer();  // requires mu_
  void OnTimer();

  const Config config_;
  consumer::Consumer<BatchT>* const next_;
  std::shared_ptr<spdlog::logger> logger_;
  std::optional<telemetry::BatchProcessorTelemetry> telemetry_;

  std::mutex mu_;  // guards pending_, timer_armed_, stopped_
  BatchT pending_;
  bool timer_armed_ = false;
  bool stopped_ = false;
  // Shared with timer callbacks so a callback that runs after Shutdown finds it stopped.
  std::shared_ptr<TimerState> timer_state_;
};

}  // namespace ocelot::processor::batch
