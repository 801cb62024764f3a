// The probabilistic sampler: the same decisions as otelcol-contrib 0.96 (its own test data
// reproduced here), consistent per trace, the kept fraction within statistical bounds, and
// strict config decoding.
#include "processor/probabilisticsampler/sampler.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <map>
#include <random>

#include "config/loader.h"
#include "pdata/attribute_actions.h"
#include "processor/probabilisticsampler/factory.h"
#include "testing/otlp_fixtures.h"
#include "testing/recording_consumer.h"

namespace ocelot::processor::probabilisticsampler {
namespace {

using ocelot::testing::RecordingConsumer;

// Go's TestLogsSampling data: 100 records, trace id {0 x8, i x8}; even records carry their
// trace id as bytes attribute "foo", every fourth a double "priority" of 100.
std::shared_ptr<pdata::Chunk<pdata::LogsRequest>> GoTestLogs() {
  auto chunk = std::make_shared<pdata::Chunk<pdata::LogsRequest>>();
  auto* records = chunk->message().add_resource_logs()->add_scope_logs();
  for (int i = 0; i < 100; ++i) {
    auto* r = records->add_log_records();
    r->set_time_unix_nano(1649400860);
    r->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_DEBUG);
    std::string id(16, '\0');
    for (int b = 8; b < 16; ++b) id[b] = static_cast<char>(i);
    r->set_trace_id(id);
    if (i % 2 == 0) {
      auto* kv = r->add_attributes();
      kv->set_key("foo");
      kv->mutable_value()->set_bytes_value(id);
    }
    if (i % 4 == 0) {
      auto* kv = r->add_attributes();
      kv->set_key("priority");
      kv->mutable_value()->set_double_value(100);
    }
  }
  return chunk;
}

size_t KeptLogs(const Config& c) {
  RecordingConsumer<pdata::Logs> sink;
  LogsSampler s(c, &sink, spdlog::default_logger());
  EXPECT_TRUE(s.Consume(pdata::Logs(GoTestLogs())).ok());
  return sink.items();
}

Config Make(double pct, const std::string& source = "traceID", const std::string& from = "",
            const std::string& priority = "") {
  Config c;
  c.sampling_percentage = pct;
  c.attribute_source = source;
  c.from_attribute = from;
  c.sampling_priority = priority;
  return c;
}

TEST(LogsSampler, KeepsExactlyTheRecordsOtelcolKeepsOnItsOwnTestData) {
  EXPECT_EQ(KeptLogs(Make(100)), 100u);
  EXPECT_EQ(KeptLogs(Make(0)), 0u);
  EXPECT_EQ(KeptLogs(Make(50, "traceID")), 45u);
  EXPECT_EQ(KeptLogs(Make(0, "record", "foo")), 0u);
  EXPECT_EQ(KeptLogs(Make(100, "record", "foo")), 100u);
  EXPECT_EQ(KeptLogs(Make(50, "record", "foo")), 23u);
  EXPECT_EQ(KeptLogs(Make(0, "traceID", "", "priority")), 25u);
  EXPECT_EQ(KeptLogs(Make(0, "record", "foo", "priority")), 25u);
}

TEST(ScaledSamplingRate, UsesGoFloat32Arithmetic) {
  EXPECT_EQ(ScaledSamplingRate(0), 0u);
  EXPECT_EQ(ScaledSamplingRate(50), 8192u);
  EXPECT_EQ(ScaledSamplingRate(15.3), 2506u);
  EXPECT_EQ(ScaledSamplingRate(100), kNumHashBuckets);
  EXPECT_EQ(ScaledSamplingRate(1e30), kNumHashBuckets);
}

std::string RandomTraceId(std::mt19937_64& rng) {
  std::string id(16, '\0');
  uint64_t a = rng(), b = rng();
  for (int i = 0; i < 8; ++i) {
    id[i] = static_cast<char>(a >> (8 * i));
    id[8 + i] = static_cast<char>(b >> (8 * i));
  }
  return id;
}

TEST(TracesSampler, KeepsTheConfiguredFractionOf100kTracesWithinStatisticalBounds) {
  for (double pct : {1.0, 25.0, 15.3, 90.0}) {
    Config c = Make(pct);
    c.hash_seed = 12345;
    RecordingConsumer<pdata::Traces> sink;
    TracesSampler s(c, &sink);
    std::mt19937_64 rng(42);
    constexpr int kTraces = 100000;
    auto chunk = std::make_shared<pdata::Chunk<pdata::TracesRequest>>();
    auto* spans = chunk->message().add_resource_spans()->add_scope_spans();
    for (int i = 0; i < kTraces; ++i) spans->add_spans()->set_trace_id(RandomTraceId(rng));
    ASSERT_TRUE(s.Consume(pdata::Traces(chunk)).ok());
    double kept = static_cast<double>(sink.items()) / kTraces;
    double p = pct / 100;
    double sigma = std::sqrt(p * (1 - p) / kTraces);
    // 5 sigma, plus the bucket granularity (1/16384) of the scaled rate.
    EXPECT_NEAR(kept, p, 5 * sigma + 1.0 / kNumHashBuckets) << pct;
  }
}

TEST(TracesSampler, GivesEverySpanOfATraceTheSameDecisionAcrossBatches) {
  RecordingConsumer<pdata::Traces> sink;
  TracesSampler s(Make(30), &sink);
  std::mt19937_64 rng(7);
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(RandomTraceId(rng));
  // Three requests, each holding one span of every trace, under different resources.
  for (int part = 0; part < 3; ++part) {
    auto chunk = std::make_shared<pdata::Chunk<pdata::TracesRequest>>();
    auto* even = chunk->message().add_resource_spans()->add_scope_spans();
    auto* odd = chunk->message().add_resource_spans()->add_scope_spans();
    for (int i = 0; i < 1000; ++i) {
      auto* span = (i % 2 ? odd : even)->add_spans();
      span->set_trace_id(ids[i]);
      span->set_name("part-" + std::to_string(part));
    }
    ASSERT_TRUE(s.Consume(pdata::Traces(chunk)).ok());
  }
  std::map<std::string, int> kept_spans;
  for (const auto& batch : sink.batches()) {
    for (const auto& e : batch.entries()) {
      for (const auto& rs : e.chunk->message().resource_spans()) {
        EXPECT_GT(rs.scope_spans_size(), 0);  // empty resources are removed
        for (const auto& ss : rs.scope_spans()) {
          for (const auto& span : ss.spans()) ++kept_spans[span.trace_id()];
        }
      }
    }
  }
  EXPECT_GT(kept_spans.size(), 200u);
  EXPECT_LT(kept_spans.size(), 400u);
  for (const auto& [id, n] : kept_spans) EXPECT_EQ(n, 3);
}

TEST(TracesSampler, SamplingPriorityOverridesTheHash) {
  auto chunk = std::make_shared<pdata::Chunk<pdata::TracesRequest>>();
  auto* ss = chunk->message().add_resource_spans()->add_scope_spans();
  auto add = [&](const std::string& name, auto set) {
    auto* span = ss->add_spans();
    span->set_name(name);
    span->set_trace_id(std::string(16, '\x07'));
    auto* kv = span->add_attributes();
    kv->set_key("sampling.priority");
    set(kv->mutable_value());
  };
  add("int-1", [](pdata::AnyValue* v) { v->set_int_value(1); });
  add("int-0", [](pdata::AnyValue* v) { v->set_int_value(0); });
  add("str-2", [](pdata::AnyValue* v) { v->set_string_value("2"); });
  add("dbl-0", [](pdata::AnyValue* v) { v->set_double_value(0); });
  add("neg", [](pdata::AnyValue* v) { v->set_int_value(-1); });  // defers to the hash (0%)

  RecordingConsumer<pdata::Traces> sink;
  TracesSampler s(Make(0), &sink);
  ASSERT_TRUE(s.Consume(pdata::Traces(chunk)).ok());
  ASSERT_EQ(sink.items(), 2u);
  const auto& spans =
      sink.batches()[0].entries()[0].chunk->message().resource_spans(0).scope_spans(0).spans();
  EXPECT_EQ(spans[0].name(), "int-1");
  EXPECT_EQ(spans[1].name(), "str-2");

  RecordingConsumer<pdata::Traces> all;
  TracesSampler keep_all(Make(100), &all);
  ASSERT_TRUE(keep_all.Consume(pdata::Traces(chunk)).ok());
  EXPECT_EQ(all.items(), 3u);  // priority 0 drops even at 100%
}

TEST(TracesSampler, CountsEachSpanDecisionOnceByPolicy) {
  auto chunk = std::make_shared<pdata::Chunk<pdata::TracesRequest>>();
  auto* ss = chunk->message().add_resource_spans()->add_scope_spans();
  for (int i = 0; i < 3; ++i) ss->add_spans()->set_trace_id(std::string(16, '\x07'));
  auto* kv = ss->add_spans()->add_attributes();
  kv->set_key("sampling.priority");
  kv->mutable_value()->set_int_value(1);

  telemetry::MetricsRegistry metrics;
  RecordingConsumer<pdata::Traces> sink;
  TracesSampler s(Make(0), &sink, &metrics);
  ASSERT_TRUE(s.Consume(pdata::Traces(chunk)).ok());
  const std::string name = "otelcol_processor_probabilistic_sampler_count_traces_sampled";
  auto count = [&](const char* policy, const char* sampled) {
    return metrics.GetCounter(name, {{"policy", policy}, {"sampled", sampled}}).value();
  };
  EXPECT_EQ(count("trace_id_hash", "false"), 3);
  EXPECT_EQ(count("trace_id_hash", "true"), 0);
  EXPECT_EQ(count("sampling_priority", "true"), 1);
  EXPECT_EQ(sink.items(), 1u);
}

TEST(LogsSampler, CountsEachRecordDecisionByPolicy) {
  auto chunk = std::make_shared<pdata::Chunk<pdata::LogsRequest>>();
  auto* sl = chunk->message().add_resource_logs()->add_scope_logs();
  sl->add_log_records()->set_trace_id(std::string(16, '\x07'));  // trace_id_hash
  sl->add_log_records();                                         // always_sampling
  auto* kv = sl->add_log_records()->add_attributes();            // by the attribute
  kv->set_key("tenant");
  kv->mutable_value()->set_string_value("acme");

  telemetry::MetricsRegistry metrics;
  RecordingConsumer<pdata::Logs> sink;
  LogsSampler s(Make(100, "traceID", "tenant"), &sink, spdlog::default_logger(), &metrics);
  ASSERT_TRUE(s.Consume(pdata::Logs(chunk)).ok());
  const std::string name = "otelcol_processor_probabilistic_sampler_count_logs_sampled";
  for (const char* policy : {"trace_id_hash", "always_sampling", "tenant"}) {
    EXPECT_EQ(metrics.GetCounter(name, {{"policy", policy}, {"sampled", "true"}}).value(), 1)
        << policy;
  }
}

TEST(TracesSampler, ForwardsNothingWhenEverySpanIsDropped) {
  RecordingConsumer<pdata::Traces> sink;
  TracesSampler s(Make(0), &sink);
  ASSERT_TRUE(s.Consume(pdata::Traces(ocelot::testing::MakeTraces(2, 3))).ok());
  EXPECT_TRUE(sink.batches().empty());
}

TEST(TracesSampler, LeavesAChunkSharedWithAnotherPipelineUntouched) {
  RecordingConsumer<pdata::Traces> sink;
  TracesSampler s(Make(0), &sink);
  auto shared = ocelot::testing::MakeTraces(2, 3);
  ASSERT_TRUE(s.Consume(pdata::Traces(shared)).ok());
  EXPECT_EQ(pdata::CountItems(shared->message()), 6u);
}

TEST(TracesSampler, AKeptChunkPassesByPointer) {
  RecordingConsumer<pdata::Traces> sink;
  TracesSampler s(Make(100), &sink);
  auto chunk = ocelot::testing::MakeTraces(1, 2);
  ASSERT_TRUE(s.Consume(pdata::Traces(chunk)).ok());
  EXPECT_EQ(sink.batches()[0].entries()[0].chunk.get(), chunk.get());
}

std::vector<std::string> ConfigErrors(const std::string& yaml) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok());
  config::Diagnostics diag;
  config::MapDecoder d(*node, "processors::probabilistic_sampler", &diag);
  auto c = MakeFactory()->CreateDefaultConfig();
  c->Decode(d);
  d.Finish();
  c->Validate(d);
  return diag.errors();
}

TEST(ProbabilisticSamplerConfig, DefaultsMatchTheGoCollector) {
  Config c;
  EXPECT_EQ(c.sampling_percentage, 0);
  EXPECT_EQ(c.hash_seed, 0u);
  EXPECT_EQ(c.attribute_source, "traceID");
  EXPECT_TRUE(ConfigErrors("sampling_percentage: 15.3\nhash_seed: 22\n").empty());
}

TEST(ProbabilisticSamplerConfig, RejectsBadValuesWithTheirLine) {
  auto errors = ConfigErrors(
      "sampling_percentage: -1\n"
      "attribute_source: span\n"
      "hash_seed: -3\n"
      "sampling_percent: 5\n");
  ASSERT_EQ(errors.size(), 4u) << ::testing::PrintToString(errors);
  EXPECT_EQ(errors[0],
            "c.yaml:3: processors::probabilistic_sampler::hash_seed: expected a non-negative "
            "integer");
  EXPECT_EQ(errors[1],
            "c.yaml:2: processors::probabilistic_sampler::attribute_source: invalid value \"span\" "
            "(allowed: traceID, record)");
  EXPECT_EQ(errors[2],
            "c.yaml:4: processors::probabilistic_sampler: unknown key \"sampling_percent\" (did "
            "you mean \"sampling_percentage\"?)");
  EXPECT_EQ(errors[3],
            "c.yaml:1: processors::probabilistic_sampler::sampling_percentage: negative sampling "
            "rate: -1.00");
}

TEST(ProbabilisticSamplerFactory, SupportsTracesAndLogsOnly) {
  auto f = MakeFactory();
  EXPECT_TRUE(f->Supports(pdata::Signal::kTraces));
  EXPECT_TRUE(f->Supports(pdata::Signal::kLogs));
  EXPECT_FALSE(f->Supports(pdata::Signal::kMetrics));
  Config c;
  EXPECT_FALSE(f->Create({}, c, pdata::Signal::kMetrics, {}).ok());
}

}  // namespace
}  // namespace ocelot::processor::probabilisticsampler
