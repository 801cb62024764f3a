// Back-pressure by memory use, as otelcol 0.96's memory_limiter: every check_interval the
// process's memory is measured; at or above the soft limit (limit - spike) new data is refused
// with a retryable error (receivers answer gRPC UNAVAILABLE / HTTP 503, clients retry), and at
// or above the hard limit freed memory is also returned to the system first. Below the soft
// limit data flows again.
//
// Threads: Consume runs on receiver threads and only reads an atomic flag; the checks run on
// the I/O pool's timer. One MemoryChecker serves every pipeline that lists the same
// memory_limiter, so its checks (and memory releases) happen once, not once per pipeline.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "component/component.h"
#include "processor/memorylimiter/config.h"
#include "telemetry/metrics.h"

namespace ocelot::processor::memorylimiter {

// Limits in bytes.
struct Limits {
  uint64_t hard = 0;
  uint64_t soft = 0;  // hard - spike
};

// Go's getMemUsageChecker: limit_mib when set, else limit_percentage of `total_memory()`
// (only read in that case); the spike defaults to a fifth of the limit.
absl::StatusOr<Limits> ComputeLimits(const Config& config,
                                     const std::function<absl::StatusOr<uint64_t>()>& total_memory);

class MemoryChecker {
 public:
  using ReadFn = std::function<absl::StatusOr<uint64_t>()>;              // bytes in use
  using ReleaseFn = std::function<void()>;                               // give freed memory back
  using NowFn = std::function<std::chrono::steady_clock::time_point()>;  // for tests

  MemoryChecker(
      Limits limits, config::Duration check_interval, ReadFn read, ReleaseFn release,
      std::shared_ptr<spdlog::logger> logger,
      NowFn now = [] { return std::chrono::steady_clock::now(); });
  ~MemoryChecker();

  // Reference-counted by the pipelines sharing this checker: the first Start measures at once
  // and arms the timer on `io`, the last Stop cancels it (waiting for a running check).
  void Start(boost::asio::io_context& io);
  void Stop();

  bool MustRefuse() const { return must_refuse_.load(std::memory_order_relaxed); }
  // One measurement and decision. Runs on the timer; public so tests can step it.
  void Check();

  const Limits& limits() const { return limits_; }

 private:
  struct TimerState;

  const Limits limits_;
  const config::Duration interval_;
  const ReadFn read_;
  const ReleaseFn release_;
  const NowFn now_;
  std::shared_ptr<spdlog::logger> logger_;
  std::atomic<bool> must_refuse_{false};

  std::mutex check_mu_;  // guards last_release_, read_failed_logged_ (Check's own state)
  std::optional<std::chrono::steady_clock::time_point> last_release_;
  bool read_failed_logged_ = false;

  std::mutex mu_;  // guards starts_, timer_state_
  int starts_ = 0;
  // Shared with timer callbacks so one that fires after Stop finds no owner.
  std::shared_ptr<TimerState> timer_state_;
};

template <typename BatchT>
class MemoryLimiterProcessor final : public component::ConsumingComponent,
                                     public consumer::Consumer<BatchT> {
 public:
  // Counts accepted and refused items (otelcol_processor_accepted_spans{processor="<id>"} and
  // the _metric_points / _log_records twins) in `metrics`, or in a private registry when null.
  MemoryLimiterProcessor(std::shared_ptr<MemoryChecker> checker, consumer::Consumer<BatchT>* next,
                         telemetry::MetricsRegistry* metrics, const std::string& processor_id);
  ~MemoryLimiterProcessor() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;
  absl::Status Consume(BatchT batch) override;

  consumer::TracesConsumer* traces() override;
  consumer::MetricsConsumer* metrics() override;
  consumer::LogsConsumer* logs() override;

  const std::shared_ptr<MemoryChecker>& checker() const { return checker_; }

 private:
  std::shared_ptr<MemoryChecker> checker_;
  consumer::Consumer<BatchT>* const next_;
  std::unique_ptr<telemetry::MetricsRegistry> own_metrics_;  // only when none was given
  telemetry::Counter* accepted_;
  telemetry::Counter* refused_;
  bool started_ = false;
};

}  // namespace ocelot::processor::memorylimiter
