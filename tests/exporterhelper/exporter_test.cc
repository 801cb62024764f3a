// The exporter helper's behaviour around a scripted Sender: queueing, retry and back-off,
// permanent errors, a full queue, timeouts, persistence across a restart, and shutdown.
#include "exporterhelper/exporter.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "exporterhelper/memory_storage.h"
#include "testing/otlp_fixtures.h"
#include "testing/test_host.h"
#include "testing/wait.h"

namespace ocelot::exporterhelper {
namespace {

using std::chrono::milliseconds;
using testing::MakeTraces;

// Answers each Send with what `respond` says; records spans it accepted.
class ScriptedSender final : public Sender {
 public:
  using Respond = std::function<absl::Status(int call, Deadline deadline)>;
  explicit ScriptedSender(Respond respond) : respond_(std::move(respond)) {}

  absl::Status Send(const pdata::Traces& batch, Deadline deadline) override {
    int call = calls.fetch_add(1) + 1;
    absl::Status s = respond_(call, deadline);
    if (s.ok()) {
      std::lock_guard lock(mu);
      sent_spans += batch.item_count();
      for (const auto& e : batch.entries()) {
        for (const auto& rs : e.chunk->message().resource_spans()) {
          names.push_back(rs.resource().attributes(0).value().string_value());
        }
      }
    }
    return s;
  }
  size_t spans() {
    std::lock_guard lock(mu);
    return sent_spans;
  }

  std::atomic<int> calls{0};
  std::mutex mu;  // guards sent_spans, names
  size_t sent_spans = 0;
  std::vector<std::string> names;  // service.name of each resource sent, in order

 private:
  Respond respond_;
};

// A gate the sender blocks on until the test opens it.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

Settings FastRetry() {
  Settings s;
  s.retry.initial_interval = milliseconds(1);
  s.retry.max_interval = milliseconds(5);
  s.retry.max_elapsed_time = std::chrono::seconds(60);
  return s;
}

struct Fixture {
  explicit Fixture(Settings settings, ScriptedSender::Respond respond) {
    auto sender = std::make_unique<ScriptedSender>(std::move(respond));
    sent = sender.get();
    component::CreateSettings create;
    create.id = component::Id{"otlp", ""};
    create.logger = spdlog::default_logger();
    create.metrics = &metrics;
    exporter = std::make_unique<Exporter>(create, std::move(settings), std::move(sender));
  }
  // A series not recorded yet reads as 0 (counters appear on first use, as in otelcol).
  double Metric(const std::string& name) {
    return std::max(0.0, metrics.Value(name, {{"exporter", "otlp"}}));
  }

  telemetry::MetricsRegistry metrics;
  testing::ExtensionHost host;
  ScriptedSender* sent;
  std::unique_ptr<Exporter> exporter;
};

pdata::Traces Spans(int n) { return pdata::Traces(MakeTraces(1, n)); }

TEST(Exporter, QueuedBatchesAreSentAndCounted) {
  Fixture f(FastRetry(), [](int, Deadline) { return absl::OkStatus(); });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(f.exporter->Consume(Spans(5)).ok());
  EXPECT_TRUE(testing::WaitUntil([&] { return f.sent->spans() == 100; }, milliseconds(10000)));
  f.exporter->Shutdown();
  EXPECT_EQ(f.Metric("otelcol_exporter_sent_spans"), 100);
  EXPECT_EQ(f.Metric("otelcol_exporter_send_failed_spans"), 0);
  EXPECT_EQ(f.Metric("otelcol_exporter_queue_capacity"), 1000);
  EXPECT_EQ(f.Metric("otelcol_exporter_queue_size"), 0);
}

TEST(Exporter, RetryableErrorsAreRetriedUntilTheySucceed) {
  Fixture f(FastRetry(), [](int call, Deadline) {
    return call <= 3 ? consumer::Retryable("connection refused") : absl::OkStatus();
  });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  ASSERT_TRUE(f.exporter->Consume(Spans(7)).ok());
  EXPECT_TRUE(testing::WaitUntil([&] { return f.sent->spans() == 7; }, milliseconds(10000)));
  f.exporter->Shutdown();
  EXPECT_EQ(f.sent->calls, 4);
  EXPECT_EQ(f.Metric("otelcol_exporter_sent_spans"), 7);
  EXPECT_EQ(f.Metric("otelcol_exporter_send_failed_spans"), 0);
}

TEST(Exporter, PermanentErrorsAreDroppedAtOnceAndCounted) {
  Fixture f(FastRetry(), [](int call, Deadline) {
    return call == 1 ? consumer::Permanent("HTTP 400: bad request") : absl::OkStatus();
  });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  Settings s;
  ASSERT_TRUE(f.exporter->Consume(Spans(3)).ok());
  EXPECT_TRUE(testing::WaitUntil(
      [&] { return f.Metric("otelcol_exporter_send_failed_spans") == 3; }, milliseconds(10000)));
  ASSERT_TRUE(f.exporter->Consume(Spans(4)).ok());
  EXPECT_TRUE(testing::WaitUntil([&] { return f.sent->spans() == 4; }, milliseconds(10000)));
  f.exporter->Shutdown();
  EXPECT_EQ(f.sent->calls, 2);  // the permanent failure was not retried
  EXPECT_EQ(f.Metric("otelcol_exporter_sent_spans"), 4);
}

TEST(Exporter, RetryStopsAfterMaxElapsedTime) {
  Settings settings = FastRetry();
  settings.retry.max_elapsed_time = milliseconds(30);
  settings.retry.max_interval = milliseconds(5);
  Fixture f(settings, [](int, Deadline) { return consumer::Retryable("unavailable"); });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  ASSERT_TRUE(f.exporter->Consume(Spans(2)).ok());
  EXPECT_TRUE(testing::WaitUntil(
      [&] { return f.Metric("otelcol_exporter_send_failed_spans") == 2; }, milliseconds(10000)));
  f.exporter->Shutdown();
  EXPECT_GT(f.sent->calls, 1);
}

TEST(Exporter, WaitsAtLeastWhatTheServerAskedFor) {
  Settings settings = FastRetry();
  std::chrono::steady_clock::time_point first;
  std::chrono::steady_clock::time_point second;
  Fixture f(settings, [&](int call, Deadline) {
    if (call == 1) {
      first = std::chrono::steady_clock::now();
      return WithRetryAfter(consumer::Retryable("429 too many requests"), milliseconds(300));
    }
    second = std::chrono::steady_clock::now();
    return absl::OkStatus();
  });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  ASSERT_TRUE(f.exporter->Consume(Spans(1)).ok());
  EXPECT_TRUE(testing::WaitUntil([&] { return f.sent->spans() == 1; }, milliseconds(10000)));
  f.exporter->Shutdown();
  // A lower bound only: the back-off alone would have waited about 1 ms.
  EXPECT_GE(second - first, milliseconds(300));
}

TEST(Exporter, EachAttemptGetsTheConfiguredTimeout) {
  Settings settings = FastRetry();
  settings.timeout.timeout = std::chrono::seconds(7);
  std::atomic<int64_t> remaining_ms{-1};
  Fixture f(settings, [&](int, Deadline deadline) {
    remaining_ms =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now())
            .count();
    return absl::OkStatus();
  });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  ASSERT_TRUE(f.exporter->Consume(Spans(1)).ok());
  EXPECT_TRUE(testing::WaitUntil([&] { return f.sent->spans() == 1; }, milliseconds(10000)));
  f.exporter->Shutdown();
  EXPECT_GT(remaining_ms, 0);
  EXPECT_LE(remaining_ms, 7000);
}

TEST(Exporter, ZeroTimeoutMeansNoDeadline) {
  Settings settings = FastRetry();
  settings.timeout.timeout = config::Duration(0);
  std::atomic<bool> unbounded{false};
  Fixture f(settings, [&](int, Deadline deadline) {
    unbounded = deadline == kNoDeadline;
    return absl::OkStatus();
  });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  ASSERT_TRUE(f.exporter->Consume(Spans(1)).ok());
  EXPECT_TRUE(testing::WaitUntil([&] { return f.sent->spans() == 1; }, milliseconds(10000)));
  f.exporter->Shutdown();
  EXPECT_TRUE(unbounded);
}

TEST(Exporter, AFullQueueRefusesWithARetryableErrorAndCountsIt) {
  Settings settings = FastRetry();
  settings.queue.num_consumers = 1;
  settings.queue.queue_size = 2;
  Gate gate;
  std::atomic<bool> in_send{false};
  Fixture f(settings, [&](int, Deadline) {
    in_send = true;
    gate.Wait();
    return absl::OkStatus();
  });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  ASSERT_TRUE(f.exporter->Consume(Spans(1)).ok());
  ASSERT_TRUE(testing::WaitUntil([&] { return in_send.load(); }, milliseconds(10000)));
  ASSERT_TRUE(f.exporter->Consume(Spans(1)).ok());
  ASSERT_TRUE(f.exporter->Consume(Spans(1)).ok());
  EXPECT_EQ(f.Metric("otelcol_exporter_queue_size"), 2);
  absl::Status refused = f.exporter->Consume(Spans(5));
  EXPECT_TRUE(consumer::IsRetryable(refused)) << refused;
  EXPECT_NE(refused.message().find("sending queue is full"), absl::string_view::npos);
  EXPECT_EQ(f.Metric("otelcol_exporter_enqueue_failed_spans"), 5);
  gate.Open();
  // Once there is room again the same batch is accepted.
  EXPECT_TRUE(
      testing::WaitUntil([&] { return f.exporter->Consume(Spans(5)).ok(); }, milliseconds(10000)));
  EXPECT_TRUE(testing::WaitUntil([&] { return f.sent->spans() == 8; }, milliseconds(10000)));
  f.exporter->Shutdown();
}

TEST(Exporter, WithoutAQueueConsumeSendsOnTheCallersThreadAndReturnsTheResult) {
  Settings settings = FastRetry();
  settings.queue.enabled = false;
  settings.retry.enabled = false;
  Fixture f(settings, [](int call, Deadline) {
    return call == 1 ? consumer::Retryable("down") : consumer::Permanent("bad data");
  });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  absl::Status first = f.exporter->Consume(Spans(1));
  EXPECT_TRUE(consumer::IsRetryable(first)) << first;
  absl::Status second = f.exporter->Consume(Spans(2));
  EXPECT_FALSE(second.ok());
  EXPECT_FALSE(consumer::IsRetryable(second));
  f.exporter->Shutdown();
  EXPECT_EQ(f.Metric("otelcol_exporter_send_failed_spans"), 3);
}

TEST(Exporter, ShutdownDrainsTheMemoryQueue) {
  Settings settings = FastRetry();
  settings.queue.num_consumers = 1;
  Gate gate;
  Fixture f(settings, [&](int, Deadline) {
    gate.Wait();
    return absl::OkStatus();
  });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(f.exporter->Consume(Spans(3)).ok());
  gate.Open();
  f.exporter->Shutdown();
  EXPECT_EQ(f.sent->spans(), 30u);
  EXPECT_EQ(f.Metric("otelcol_exporter_sent_spans"), 30);
}

TEST(Exporter, ShutdownGivesUpOnAnUnreachableBackendInBoundedTimeAndCountsTheLoss) {
  Settings settings = FastRetry();
  settings.retry.initial_interval = std::chrono::seconds(10);
  settings.retry.max_interval = std::chrono::seconds(10);
  settings.queue.num_consumers = 2;
  Fixture f(settings, [](int, Deadline) { return consumer::Retryable("connection refused"); });
  ASSERT_TRUE(f.exporter->Start(f.host).ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(f.exporter->Consume(Spans(2)).ok());
  auto start = std::chrono::steady_clock::now();
  f.exporter->Shutdown();
  // Retry waits are interrupted; each batch gets one last attempt.
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            Exporter::kDrainTimeout + std::chrono::seconds(5));
  EXPECT_EQ(f.Metric("otelcol_exporter_send_failed_spans"), 20);
  EXPECT_EQ(f.Metric("otelcol_exporter_sent_spans"), 0);
}

TEST(Exporter, PersistentQueueKeepsUnsentBatchesAcrossARestartInOrder) {
  testing::MemoryStorageExtension storage;
  Settings settings = FastRetry();
  settings.queue.storage = component::Id{"file_storage", ""};
  settings.queue.num_consumers = 1;
  settings.retry.initial_interval = std::chrono::seconds(10);
  settings.retry.max_interval = std::chrono::seconds(10);
  {
    Fixture down(settings, [](int, Deadline) { return consumer::Retryable("connection refused"); });
    down.host.extensions[component::Id{"file_storage", ""}] = &storage;
    ASSERT_TRUE(down.exporter->Start(down.host).ok());
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(
          down.exporter->Consume(pdata::Traces(MakeTraces(1, 1, "b" + std::to_string(i)))).ok());
    }
    down.exporter->Shutdown();  // interrupts the retry; nothing is dropped
    EXPECT_EQ(down.Metric("otelcol_exporter_send_failed_spans"), 0);
  }
  Fixture up(settings, [](int, Deadline) { return absl::OkStatus(); });
  up.host.extensions[component::Id{"file_storage", ""}] = &storage;
  ASSERT_TRUE(up.exporter->Start(up.host).ok());
  EXPECT_TRUE(testing::WaitUntil([&] { return up.sent->spans() == 5; }, milliseconds(10000)));
  up.exporter->Shutdown();
  std::lock_guard lock(up.sent->mu);
  EXPECT_EQ(up.sent->names, (std::vector<std::string>{"b0", "b1", "b2", "b3", "b4"}));
  EXPECT_TRUE(storage.Store("otlp/sending_queue")->data.empty());
}

TEST(Exporter, PersistentQueueFailsToStartWithoutItsStorageExtension) {
  Settings settings = FastRetry();
  settings.queue.storage = component::Id{"file_storage", "missing"};
  Fixture f(settings, [](int, Deadline) { return absl::OkStatus(); });
  absl::Status s = f.exporter->Start(f.host);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("file_storage/missing"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace ocelot::exporterhelper
