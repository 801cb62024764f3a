// Groups incoming batches until send_batch_size items are waiting or `timeout` has passed
// since the first of them arrived, then sends them on, split at send_batch_max_size.
// With `metadata_keys`, one such batcher (with its own timer) runs per distinct combination of
// those keys' client-metadata values (see pdata/client_metadata.h); at most
// `metadata_cardinality_limit` combinations over the processor's life, as otelcol 0.96.
//
// Threads: Consume runs on receiver threads and sends a full batch on the calling thread (so a
// slow exporter slows the sender: back-pressure); the timeout flush runs on the I/O pool.
// Incoming chunks are appended by pointer, never copied; the lock is taken once per request.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <map>
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
  // One batcher: what waits to be sent for one metadata value combination.
  struct Shard {
    BatchT pending;
    bool timer_armed = false;
    std::optional<boost::asio::steady_timer> timer;  // made at the first arming
  };
  // The metadata_keys values of a chunk, as one map key.
  std::string ShardKey(const typename BatchT::ChunkT& chunk) const;
  // The shard for `key`, made if new; null when the cardinality limit is reached. Requires mu_.
  Shard* ShardFor(const std::string& key);
  // Adds `batch` to `shard`; returns what is ready to send. Requires mu_.
  BatchT Add(Shard& shard, BatchT batch);
  // Sends `ready` in pieces of at most send_batch_max_size items.
  void Send(BatchT ready, telemetry::BatchProcessorTelemetry::Trigger trigger);
  void ArmTimer(Shard& shard);  // requires mu_
  void OnTimer(Shard* shard);

  const Config config_;
  consumer::Consumer<BatchT>* const next_;
  std::shared_ptr<spdlog::logger> logger_;
  std::optional<telemetry::BatchProcessorTelemetry> telemetry_;

  std::mutex mu_;  // guards the shards' contents, shards_ and stopped_
  Shard single_;   // the one batcher when metadata_keys is empty
  // Per metadata value combination; never removed (the limit is over the processor's life).
  std::map<std::string, std::unique_ptr<Shard>> shards_;
  bool stopped_ = false;
  // Shared with timer callbacks so a callback that runs after Shutdown finds it stopped.
  std::shared_ptr<TimerState> timer_state_;
};

}  // namespace ocelot::processor::batch
