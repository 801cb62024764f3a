// The memory limiter: refuses with a retryable error at the soft limit, releases memory at the
// hard limit, lets data flow again below, counts refusals, shares one checker per config, and
// validates its config with otelcol's messages.
#include "processor/memorylimiter/memory_limiter.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>

#include "config/loader.h"
#include "processor/memorylimiter/factory.h"
#include "testing/otlp_fixtures.h"
#include "testing/recording_consumer.h"
#include "testing/test_host.h"
#include "testing/wait.h"

namespace ocelot::processor::memorylimiter {
namespace {

using ocelot::testing::MakeLogs;
using ocelot::testing::MakeTraces;
using ocelot::testing::RecordingConsumer;
using ocelot::testing::TestHost;

constexpr uint64_t kMiB = 1024 * 1024;

// Memory readings the test sets; releasing memory lowers the reading by `freed_by_release`.
struct FakeMemory {
  std::atomic<uint64_t> used{0};
  std::atomic<uint64_t> freed_by_release{0};
  std::atomic<int> reads{0};
  std::atomic<int> releases{0};

  std::shared_ptr<MemoryChecker> Checker(uint64_t hard_mib, uint64_t soft_mib,
                                         config::Duration interval = std::chrono::hours(1)) {
    return std::make_shared<MemoryChecker>(
        Limits{hard_mib * kMiB, soft_mib * kMiB}, interval,
        [this]() -> absl::StatusOr<uint64_t> {
          ++reads;
          return used.load();
        },
        [this] {
          ++releases;
          used -= std::min(used.load(), freed_by_release.load());
        },
        spdlog::default_logger());
  }
};

class MemoryLimiterTest : public ::testing::Test {
 protected:
  TestHost host;
  FakeMemory memory;
  RecordingConsumer<pdata::Traces> sink;
  telemetry::MetricsRegistry metrics;
  const telemetry::Labels labels{{"processor", "memory_limiter"}};
};

TEST_F(MemoryLimiterTest, PassesDataBelowTheSoftLimit) {
  memory.used = 100 * kMiB;
  MemoryLimiterProcessor<pdata::Traces> p(memory.Checker(1024, 768), &sink, &metrics,
                                          "memory_limiter");
  ASSERT_TRUE(p.Start(host).ok());
  EXPECT_TRUE(p.Consume(pdata::Traces(MakeTraces(1, 5))).ok());
  EXPECT_EQ(sink.items(), 5u);
  EXPECT_EQ(metrics.Value("otelcol_processor_accepted_spans", labels), 5);
  EXPECT_EQ(metrics.Value("otelcol_processor_refused_spans", labels), 0);
  p.Shutdown();
}

TEST_F(MemoryLimiterTest, RefusesWithARetryableErrorAboveTheSoftLimitAndResumesBelowIt) {
  memory.used = 100 * kMiB;
  MemoryLimiterProcessor<pdata::Traces> p(memory.Checker(1024, 768), &sink, &metrics,
                                          "memory_limiter");
  ASSERT_TRUE(p.Start(host).ok());

  memory.used = 800 * kMiB;  // between soft and hard
  p.checker()->Check();
  absl::Status s = p.Consume(pdata::Traces(MakeTraces(1, 4)));
  EXPECT_TRUE(consumer::IsRetryable(s)) << s;
  EXPECT_EQ(s.message(), "data refused due to high memory usage");
  EXPECT_EQ(sink.items(), 0u);
  EXPECT_EQ(metrics.Value("otelcol_processor_refused_spans", labels), 4);

  memory.used = 700 * kMiB;
  p.checker()->Check();
  EXPECT_TRUE(p.Consume(pdata::Traces(MakeTraces(1, 3))).ok());
  EXPECT_EQ(sink.items(), 3u);
  EXPECT_EQ(metrics.Value("otelcol_processor_refused_spans", labels), 4);
  p.Shutdown();
}

TEST_F(MemoryLimiterTest, AboveTheHardLimitReleasesMemoryBeforeDeciding) {
  memory.used = 100 * kMiB;
  auto checker = memory.Checker(1024, 768);
  checker->Check();
  memory.used = 1100 * kMiB;
  memory.freed_by_release = 500 * kMiB;  // the release brings it back under the soft limit
  checker->Check();
  EXPECT_EQ(memory.releases, 1);
  EXPECT_FALSE(checker->MustRefuse());

  memory.used = 2000 * kMiB;  // still above after releasing: refuse
  checker->Check();
  EXPECT_EQ(memory.releases, 2);
  EXPECT_TRUE(checker->MustRefuse());
  checker->Check();  // every check above the hard limit releases again
  EXPECT_EQ(memory.releases, 3);
}

TEST_F(MemoryLimiterTest, CrossingTheSoftLimitReleasesMemoryAtMostEveryTenSeconds) {
  auto checker = memory.Checker(1024, 768);
  memory.used = 800 * kMiB;
  checker->Check();
  EXPECT_EQ(memory.releases, 1);  // first crossing: try releasing before refusing
  EXPECT_TRUE(checker->MustRefuse());
  memory.used = 100 * kMiB;
  checker->Check();
  EXPECT_FALSE(checker->MustRefuse());
  memory.used = 800 * kMiB;
  checker->Check();
  EXPECT_EQ(memory.releases, 1);  // crossed again right away: refuse without releasing
  EXPECT_TRUE(checker->MustRefuse());
}

// Freed memory that the allocator keeps (a sending queue drained while refusing) counts in RSS
// until it is released; releasing only when refusing starts left the limiter refusing forever
// after the load dropped (found by bench/memory_limiter.sh).
TEST_F(MemoryLimiterTest, KeepsReleasingMemoryWhileRefusingSoFreedMemoryEndsTheRefusal) {
  auto now = std::chrono::steady_clock::now();
  auto checker = std::make_shared<MemoryChecker>(
      Limits{1024 * kMiB, 768 * kMiB}, std::chrono::hours(1),
      [this]() -> absl::StatusOr<uint64_t> { return memory.used.load(); },
      [this] {
        ++memory.releases;
        memory.used -= std::min(memory.used.load(), memory.freed_by_release.load());
      },
      spdlog::default_logger(), [&now] { return now; });
  memory.used = 800 * kMiB;  // all of it live: releasing frees nothing
  checker->Check();
  EXPECT_EQ(memory.releases, 1);
  EXPECT_TRUE(checker->MustRefuse());

  memory.freed_by_release = 300 * kMiB;  // the data was sent; the allocator still holds it
  now += std::chrono::seconds(1);
  checker->Check();
  EXPECT_EQ(memory.releases, 1);  // not on every check
  EXPECT_TRUE(checker->MustRefuse());

  now += std::chrono::seconds(10);
  checker->Check();
  EXPECT_EQ(memory.releases, 2);
  EXPECT_EQ(memory.used, 500 * kMiB);
  EXPECT_FALSE(checker->MustRefuse());
}

TEST_F(MemoryLimiterTest, ChecksOnTheTimerAfterStart) {
  memory.used = 100 * kMiB;
  MemoryLimiterProcessor<pdata::Traces> p(memory.Checker(1024, 768, std::chrono::milliseconds(5)),
                                          &sink, &metrics, "memory_limiter");
  ASSERT_TRUE(p.Start(host).ok());
  EXPECT_FALSE(p.checker()->MustRefuse());
  memory.used = 900 * kMiB;
  EXPECT_TRUE(ocelot::testing::WaitUntil([&] { return p.checker()->MustRefuse(); },
                                         std::chrono::seconds(10)));
  EXPECT_FALSE(p.Consume(pdata::Traces(MakeTraces(1, 1))).ok());
  memory.used = 100 * kMiB;
  EXPECT_TRUE(ocelot::testing::WaitUntil([&] { return !p.checker()->MustRefuse(); },
                                         std::chrono::seconds(10)));
  EXPECT_TRUE(p.Consume(pdata::Traces(MakeTraces(1, 1))).ok());
  p.Shutdown();
}

TEST_F(MemoryLimiterTest, StartMeasuresImmediately) {
  memory.used = 900 * kMiB;
  MemoryLimiterProcessor<pdata::Traces> p(memory.Checker(1024, 768), &sink, &metrics,
                                          "memory_limiter");
  ASSERT_TRUE(p.Start(host).ok());
  EXPECT_FALSE(p.Consume(pdata::Traces(MakeTraces(1, 1))).ok());
  p.Shutdown();
}

TEST_F(MemoryLimiterTest, CountsRefusedLogRecords) {
  memory.used = 900 * kMiB;
  RecordingConsumer<pdata::Logs> logs;
  MemoryLimiterProcessor<pdata::Logs> p(memory.Checker(1024, 768), &logs, &metrics,
                                        "memory_limiter");
  ASSERT_TRUE(p.Start(host).ok());
  EXPECT_TRUE(consumer::IsRetryable(p.Consume(pdata::Logs(MakeLogs(6)))));
  EXPECT_EQ(metrics.Value("otelcol_processor_refused_log_records", labels), 6);
  p.Shutdown();
}

TEST(MemoryLimits, SpikeDefaultsToAFifthOfTheLimit) {
  Config c;
  c.limit_mib = 1000;
  auto never = []() -> absl::StatusOr<uint64_t> { return absl::InternalError("not used"); };
  auto l = ComputeLimits(c, never);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->hard, 1000 * kMiB);
  EXPECT_EQ(l->soft, 800 * kMiB);
  c.spike_limit_mib = 256;
  c.limit_mib = 1024;
  l = ComputeLimits(c, never);
  EXPECT_EQ(l->soft, 768 * kMiB);
}

TEST(MemoryLimits, PercentagesApplyToTotalMemory) {
  Config c;
  c.limit_percentage = 50;
  c.spike_limit_percentage = 10;
  auto l = ComputeLimits(c, []() -> absl::StatusOr<uint64_t> { return 8000 * kMiB; });
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->hard, 4000 * kMiB);
  EXPECT_EQ(l->soft, 3200 * kMiB);
  auto failed =
      ComputeLimits(c, []() -> absl::StatusOr<uint64_t> { return absl::UnavailableError("x"); });
  EXPECT_EQ(failed.status().message(),
            "failed to get total memory, use fixed memory settings (limit_mib): x");
}

std::vector<std::string> ConfigErrors(const std::string& yaml,
                                      std::unique_ptr<component::Config>* out = nullptr) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok());
  config::Diagnostics diag;
  config::MapDecoder d(*node, "processors::memory_limiter", &diag);
  auto c = MakeFactory()->CreateDefaultConfig();
  c->Decode(d);
  d.Finish();
  c->Validate(d);
  if (out) *out = std::move(c);
  return diag.errors();
}

TEST(MemoryLimiterConfig, TheReferenceConfigIsValid) {
  EXPECT_TRUE(ConfigErrors("check_interval: 1s\nlimit_mib: 1024\nspike_limit_mib: 256\n").empty());
  EXPECT_TRUE(ConfigErrors("check_interval: 1s\nlimit_percentage: 80\n"
                           "spike_limit_percentage: 20\n")
                  .empty());
}

TEST(MemoryLimiterConfig, TheDefaultConfigIsInvalidAsInOtelcol) {
  auto errors = ConfigErrors("{}\n");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "c.yaml:1: processors::memory_limiter::check_interval: 'check_interval' must be "
            "greater than zero");
  EXPECT_EQ(errors[1],
            "c.yaml:1: processors::memory_limiter: 'limit_mib' or 'limit_percentage' must be "
            "greater than zero");
}

TEST(MemoryLimiterConfig, ReportsEachBadValueAtItsLine) {
  auto errors = ConfigErrors(
      "check_interval: 1s\n"
      "limit_mib: 100\n"
      "spike_limit_mib: 200\n"
      "limit_percentage: 120\n"
      "spike_limit_percntage: 5\n");
  ASSERT_EQ(errors.size(), 3u) << ::testing::PrintToString(errors);
  EXPECT_EQ(errors[0],
            "c.yaml:5: processors::memory_limiter: unknown key \"spike_limit_percntage\" (did you "
            "mean \"spike_limit_percentage\"?)");
  EXPECT_EQ(errors[1],
            "c.yaml:4: processors::memory_limiter::limit_percentage: 'limit_percentage' and "
            "'spike_limit_percentage' must be greater than zero and less than or equal to "
            "hundred");
  EXPECT_EQ(errors[2],
            "c.yaml:3: processors::memory_limiter::spike_limit_mib: 'spike_limit_mib' must be "
            "smaller than 'limit_mib'");
}

TEST(MemoryLimiterFactory, PipelinesSharingAMemoryLimiterShareOneChecker) {
  std::unique_ptr<component::Config> a, b;
  ASSERT_TRUE(ConfigErrors("check_interval: 1s\nlimit_mib: 1024\n", &a).empty());
  ASSERT_TRUE(ConfigErrors("check_interval: 1s\nlimit_mib: 1024\n", &b).empty());
  auto factory = MakeFactory();
  RecordingConsumer<pdata::Traces> traces;
  RecordingConsumer<pdata::Logs> logs;
  component::NextConsumers nt, nl;
  nt.traces = &traces;
  nl.logs = &logs;
  component::CreateSettings settings;
  settings.id = {"memory_limiter", ""};
  auto p1 = factory->Create(settings, *a, pdata::Signal::kTraces, nt);
  auto p2 = factory->Create(settings, *a, pdata::Signal::kLogs, nl);
  auto p3 = factory->Create(settings, *b, pdata::Signal::kTraces, nt);
  ASSERT_TRUE(p1.ok() && p2.ok() && p3.ok());
  auto checker_of = [](component::ConsumingComponent* c) -> const MemoryChecker* {
    if (auto* t = dynamic_cast<MemoryLimiterProcessor<pdata::Traces>*>(c)) {
      return t->checker().get();
    }
    return dynamic_cast<MemoryLimiterProcessor<pdata::Logs>*>(c)->checker().get();
  };
  EXPECT_EQ(checker_of(p1->get()), checker_of(p2->get()));
  EXPECT_NE(checker_of(p1->get()), checker_of(p3->get()));
  EXPECT_EQ(checker_of(p1->get())->limits().hard, 1024 * kMiB);
}

}  // namespace
}  // namespace ocelot::processor::memorylimiter
