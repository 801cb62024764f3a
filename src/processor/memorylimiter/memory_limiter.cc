#include "processor/memorylimiter/memory_limiter.h"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>

namespace ocelot::processor::memorylimiter {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
// As Go's minGCIntervalWhenSoftLimited: releasing memory walks the whole heap, so above the
// soft limit it runs at most this often (above the hard limit it runs on every check). Unlike
// otelcol 0.96, which forces a GC only when it starts refusing, it runs again while refusing:
// Go's GC frees garbage on its own, but glibc keeps freed memory (a drained sending queue) in
// its free lists, counted in RSS, until it is released, so without this the limiter could
// refuse forever after the load dropped (bench/memory_limiter.sh showed it).
constexpr auto kMinReleaseIntervalWhenSoftLimited = std::chrono::seconds(10);

}  // namespace

absl::StatusOr<Limits> ComputeLimits(
    const Config& config, const std::function<absl::StatusOr<uint64_t>()>& total_memory) {
  uint64_t hard = 0, spike = 0;
  if (config.limit_mib != 0) {
    hard = uint64_t{config.limit_mib} * kMiB;
    spike = uint64_t{config.spike_limit_mib} * kMiB;
  } else {
    auto total = total_memory();
    if (!total.ok()) {
      return absl::Status(total.status().code(),
                          "failed to get total memory, use fixed memory settings (limit_mib): " +
                              std::string(total.status().message()));
    }
    hard = config.limit_percentage * *total / 100;
    spike = config.spike_limit_percentage * *total / 100;
  }
  if (spike == 0) spike = hard / 5;
  return Limits{hard, hard > spike ? hard - spike : 0};
}

struct MemoryChecker::TimerState {
  TimerState(boost::asio::io_context& io, config::Duration interval)
      : timer(io), interval(interval) {}

  // Requires mu. Re-arms after each check rather than ticking at a fixed rate, so a slow
  // check never queues up another.
  static void Arm(const std::shared_ptr<TimerState>& state) {
    state->timer.expires_after(state->interval);
    std::weak_ptr<TimerState> weak = state;
    state->timer.async_wait([weak](const boost::system::error_code& ec) {
      if (ec) return;
      auto s = weak.lock();
      if (!s) return;
      std::lock_guard lock(s->mu);
      if (s->owner == nullptr) return;
      s->owner->Check();
      Arm(s);
    });
  }

  boost::asio::steady_timer timer;
  const config::Duration interval;
  std::mutex mu;  // guards owner and every use of timer
  MemoryChecker* owner = nullptr;
};

MemoryChecker::MemoryChecker(Limits limits, config::Duration check_interval, ReadFn read,
                             ReleaseFn release, std::shared_ptr<spdlog::logger> logger, NowFn now)
    : limits_(limits),
      interval_(check_interval),
      read_(std::move(read)),
      release_(std::move(release)),
      now_(std::move(now)),
      logger_(logger ? std::move(logger) : spdlog::default_logger()) {
  logger_->info("Memory limiter configured: limit_mib={} spike_limit_mib={} check_interval={}ms",
                limits_.hard / kMiB, (limits_.hard - limits_.soft) / kMiB,
                std::chrono::duration_cast<std::chrono::milliseconds>(interval_).count());
}

MemoryChecker::~MemoryChecker() {
  if (timer_state_) {
    std::lock_guard timer_lock(timer_state_->mu);
    timer_state_->owner = nullptr;
    timer_state_->timer.cancel();
  }
}

void MemoryChecker::Start(boost::asio::io_context& io) {
  std::lock_guard lock(mu_);
  if (starts_++ > 0) return;
  Check();  // refuse from the first request on if memory is already high
  timer_state_ = std::make_shared<TimerState>(io, interval_);
  std::lock_guard timer_lock(timer_state_->mu);
  timer_state_->owner = this;
  TimerState::Arm(timer_state_);
}

void MemoryChecker::Stop() {
  std::lock_guard lock(mu_);
  if (starts_ == 0 || --starts_ > 0) return;
  if (timer_state_) {
    std::lock_guard timer_lock(timer_state_->mu);  // waits for a running check
    timer_state_->owner = nullptr;
    timer_state_->timer.cancel();
  }
  timer_state_.reset();
}

void MemoryChecker::Check() {
  std::lock_guard lock(check_mu_);
  auto used = read_();
  if (!used.ok()) {
    if (!read_failed_logged_) {
      logger_->warn("cannot measure memory use, keeping the last decision: {}",
                    std::string(used.status().message()));
      read_failed_logged_ = true;
    }
    return;
  }
  read_failed_logged_ = false;
  uint64_t bytes = *used;
  auto release_and_measure = [&] {
    release_();
    last_release_ = now_();
    auto after = read_();
    if (after.ok()) bytes = *after;
    logger_->info("Memory usage after releasing free memory: cur_mem_mib={}", bytes / kMiB);
  };

  if (bytes >= limits_.hard) {
    logger_->warn("Memory usage is above hard limit. Releasing free memory: cur_mem_mib={}",
                  bytes / kMiB);
    release_and_measure();
  }
  const bool was_refusing = must_refuse_.load(std::memory_order_relaxed);
  bool refuse = bytes >= limits_.soft;
  // Freed-but-cached heap counts in RSS; giving it back may be enough to get below, both when
  // crossing the soft limit and, later, while refusing (the data held has been sent since).
  if (refuse && (!last_release_ || now_() - *last_release_ > kMinReleaseIntervalWhenSoftLimited)) {
    logger_->info("Memory usage is above soft limit. Releasing free memory: cur_mem_mib={}",
                  bytes / kMiB);
    release_and_measure();
    refuse = bytes >= limits_.soft;
  }
  if (was_refusing && !refuse) {
    logger_->info("Memory usage back within limits. Resuming normal operation: cur_mem_mib={}",
                  bytes / kMiB);
  }
  if (!was_refusing && refuse) {
    logger_->warn("Memory usage is above soft limit. Refusing data: cur_mem_mib={}", bytes / kMiB);
  }
  must_refuse_.store(refuse, std::memory_order_relaxed);
}

namespace {

template <typename BatchT>
const char* ItemName() {
  if constexpr (std::is_same_v<BatchT, pdata::Traces>) return "spans";
  if constexpr (std::is_same_v<BatchT, pdata::Metrics>) return "metric_points";
  if constexpr (std::is_same_v<BatchT, pdata::Logs>) return "log_records";
}

}  // namespace

template <typename BatchT>
MemoryLimiterProcessor<BatchT>::MemoryLimiterProcessor(std::shared_ptr<MemoryChecker> checker,
                                                       consumer::Consumer<BatchT>* next,
                                                       telemetry::MetricsRegistry* metrics,
                                                       const std::string& processor_id)
    : checker_(std::move(checker)), next_(next) {
  if (metrics == nullptr) {
    own_metrics_ = std::make_unique<telemetry::MetricsRegistry>();
    metrics = own_metrics_.get();
  }
  const std::string items = ItemName<BatchT>();
  const telemetry::Labels labels = {{"processor", processor_id}};
  accepted_ = &metrics->GetCounter("otelcol_processor_accepted_" + items, labels,
                                   "Number of " + items +
                                       " successfully pushed into the next "
                                       "component in the pipeline.");
  refused_ = &metrics->GetCounter("otelcol_processor_refused_" + items, labels,
                                  "Number of " + items +
                                      " that were rejected by the next "
                                      "component in the pipeline.");
}

template <typename BatchT>
MemoryLimiterProcessor<BatchT>::~MemoryLimiterProcessor() = default;

template <typename BatchT>
absl::Status MemoryLimiterProcessor<BatchT>::Start(component::Host& host) {
  checker_->Start(host.io_context());
  started_ = true;
  return absl::OkStatus();
}

template <typename BatchT>
void MemoryLimiterProcessor<BatchT>::Shutdown() {
  if (started_) checker_->Stop();
  started_ = false;
}

template <typename BatchT>
absl::Status MemoryLimiterProcessor<BatchT>::Consume(BatchT batch) {
  const size_t items = batch.item_count();
  if (checker_->MustRefuse()) {
    refused_->Add(static_cast<int64_t>(items));
    return consumer::Retryable("data refused due to high memory usage");
  }
  // Counted as accepted even when the next consumer fails, as otelcol does.
  accepted_->Add(static_cast<int64_t>(items));
  return next_->Consume(std::move(batch));
}

template <typename BatchT>
consumer::TracesConsumer* MemoryLimiterProcessor<BatchT>::traces() {
  if constexpr (std::is_same_v<BatchT, pdata::Traces>) return this;
  return nullptr;
}
template <typename BatchT>
consumer::MetricsConsumer* MemoryLimiterProcessor<BatchT>::metrics() {
  if constexpr (std::is_same_v<BatchT, pdata::Metrics>) return this;
  return nullptr;
}
template <typename BatchT>
consumer::LogsConsumer* MemoryLimiterProcessor<BatchT>::logs() {
  if constexpr (std::is_same_v<BatchT, pdata::Logs>) return this;
  return nullptr;
}

template class MemoryLimiterProcessor<pdata::Traces>;
template class MemoryLimiterProcessor<pdata::Metrics>;
template class MemoryLimiterProcessor<pdata::Logs>;

}  // namespace ocelot::processor::memorylimiter
