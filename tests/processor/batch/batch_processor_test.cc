#include "processor/batch/batch_processor.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "config/loader.h"
#include "testing/otlp_fixtures.h"
#include "testing/recording_consumer.h"
#include "testing/test_host.h"

namespace ocelot::processor::batch {
namespace {

using ocelot::testing::MakeTraces;
using ocelot::testing::RecordingConsumer;
using ocelot::testing::TestHost;

Config MakeConfig(uint32_t size, uint32_t max, config::Duration timeout) {
  Config c;
  c.send_batch_size = size;
  c.send_batch_max_size = max;
  c.timeout = timeout;
  return c;
}

class BatchProcessorTest : public ::testing::Test {
 protected:
  TestHost host;
  RecordingConsumer<pdata::Traces> sink;
};

TEST_F(BatchProcessorTest, SendsWhenSendBatchSizeIsReached) {
  BatchProcessor<pdata::Traces> p(MakeConfig(10, 0, std::chrono::hours(1)), &sink,
                                  spdlog::default_logger());
  ASSERT_TRUE(p.Start(host).ok());
  ASSERT_TRUE(p.Consume(pdata::Traces(MakeTraces(1, 6))).ok());
  EXPECT_EQ(sink.items(), 0u);  // below the size, waiting for more
  ASSERT_TRUE(p.Consume(pdata::Traces(MakeTraces(1, 6))).ok());
  EXPECT_EQ(sink.batch_sizes(), std::vector<size_t>{12});
  p.Shutdown();
}

TEST_F(BatchProcessorTest, SendsWhatIsWaitingWhenTheTimeoutExpires) {
  BatchProcessor<pdata::Traces> p(MakeConfig(1000, 0, std::chrono::milliseconds(20)), &sink,
                                  spdlog::default_logger());
  ASSERT_TRUE(p.Start(host).ok());
  ASSERT_TRUE(p.Consume(pdata::Traces(MakeTraces(1, 3))).ok());
  ASSERT_TRUE(sink.WaitForItems(3));
  EXPECT_EQ(sink.batch_sizes(), std::vector<size_t>{3});
  p.Shutdown();
}

TEST_F(BatchProcessorTest, SplitsBatchLargerThanMaxSize) {
  BatchProcessor<pdata::Traces> p(MakeConfig(5, 8, std::chrono::hours(1)), &sink,
                                  spdlog::default_logger());
  ASSERT_TRUE(p.Start(host).ok());
  ASSERT_TRUE(p.Consume(pdata::Traces(MakeTraces(4, 5))).ok());  // 20 spans at once
  EXPECT_EQ(sink.batch_sizes(), (std::vector<size_t>{8, 8, 4}));
  p.Shutdown();
}

TEST_F(BatchProcessorTest, ShutdownFlushesEverythingPending) {
  BatchProcessor<pdata::Traces> p(MakeConfig(1000, 0, std::chrono::hours(1)), &sink,
                                  spdlog::default_logger());
  ASSERT_TRUE(p.Start(host).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(p.Consume(pdata::Traces(MakeTraces(1, 7))).ok());
  EXPECT_EQ(sink.items(), 0u);
  p.Shutdown();
  EXPECT_EQ(sink.items(), 35u);
}

TEST_F(BatchProcessorTest, ConsumeAfterShutdownPassesThroughInsteadOfDropping) {
  BatchProcessor<pdata::Traces> p(MakeConfig(1000, 0, std::chrono::hours(1)), &sink,
                                  spdlog::default_logger());
  ASSERT_TRUE(p.Start(host).ok());
  p.Shutdown();
  ASSERT_TRUE(p.Consume(pdata::Traces(MakeTraces(1, 2))).ok());
  EXPECT_EQ(sink.items(), 2u);
}

TEST_F(BatchProcessorTest, BatchesChunksByPointerWithoutCopyingSpans) {
  BatchProcessor<pdata::Traces> p(MakeConfig(4, 0, std::chrono::hours(1)), &sink,
                                  spdlog::default_logger());
  ASSERT_TRUE(p.Start(host).ok());
  auto a = MakeTraces(1, 2);
  auto b = MakeTraces(1, 2);
  ASSERT_TRUE(p.Consume(pdata::Traces(a)).ok());
  ASSERT_TRUE(p.Consume(pdata::Traces(b)).ok());
  auto batches = sink.batches();
  ASSERT_EQ(batches.size(), 1u);
  ASSERT_EQ(batches[0].entries().size(), 2u);
  EXPECT_EQ(batches[0].entries()[0].chunk.get(), a.get());
  EXPECT_EQ(batches[0].entries()[1].chunk.get(), b.get());
  p.Shutdown();
}

TEST(BatchConfig, DefaultsMatchTheGoCollector) {
  Config c;
  EXPECT_EQ(c.send_batch_size, 8192u);
  EXPECT_EQ(c.send_batch_max_size, 0u);
  EXPECT_EQ(c.timeout, std::chrono::milliseconds(200));
}

TEST(BatchConfig, MaxSizeBelowSizeIsAnError) {
  auto node = config::ParseYaml("send_batch_size: 100\nsend_batch_max_size: 10\n", "c.yaml");
  ASSERT_TRUE(node.ok());
  config::Diagnostics diag;
  config::MapDecoder d(*node, "processors::batch", &diag);
  Config c;
  c.Decode(d);
  d.Finish();
  c.Validate(d);
  ASSERT_EQ(diag.errors().size(), 1u);
  EXPECT_EQ(diag.errors()[0],
            "c.yaml:2: processors::batch::send_batch_max_size: send_batch_max_size must be "
            "greater or equal to send_batch_size");
}

}  // namespace
}  // namespace ocelot::processor::batch

namespace ocelot::processor::batch {
namespace {

TEST(BatchProcessorTelemetry, CountsSizeAndTimeoutTriggeredSends) {
  ocelot::testing::TestHost host;
  ocelot::testing::RecordingConsumer<pdata::Traces> sink;
  telemetry::MetricsRegistry metrics;
  BatchProcessor<pdata::Traces> p(MakeConfig(4, 0, std::chrono::milliseconds(10)), &sink,
                                  spdlog::default_logger(), &metrics, "batch");
  ASSERT_TRUE(p.Start(host).ok());
  ASSERT_TRUE(p.Consume(pdata::Traces(ocelot::testing::MakeTraces(1, 5))).ok());  // size trigger
  ASSERT_TRUE(p.Consume(pdata::Traces(ocelot::testing::MakeTraces(1, 1))).ok());  // timeout
  ASSERT_TRUE(sink.WaitForItems(6));
  p.Shutdown();
  std::string text = metrics.PrometheusText();
  EXPECT_NE(text.find("otelcol_processor_batch_batch_size_trigger_send{processor=\"batch\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("otelcol_processor_batch_timeout_trigger_send{processor=\"batch\"} 1"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace ocelot::processor::batch

namespace ocelot::processor::batch {
namespace {

// A request as a receiver with include_metadata passes it on.
pdata::Traces FromTenant(int spans, const std::string& tenant) {
  auto chunk = ocelot::testing::MakeTraces(1, spans);
  auto metadata = std::make_shared<pdata::ClientMetadata>();
  if (!tenant.empty()) metadata->Add("X-Tenant", tenant);
  metadata->Add("user-agent", "test");
  chunk->set_metadata(std::move(metadata));
  return pdata::Traces(std::move(chunk));
}

std::string TenantOf(const pdata::Traces& batch) {
  const auto* m = batch.entries()[0].chunk->metadata();
  return m && !m->Get("x-tenant").empty() ? m->Get("x-tenant")[0] : "";
}

TEST(BatchByMetadata, OneBatcherPerDistinctValueOfTheKeys) {
  ocelot::testing::TestHost host;
  ocelot::testing::RecordingConsumer<pdata::Traces> sink;
  Config c = MakeConfig(10, 0, std::chrono::hours(1));
  c.metadata_keys = {"x-tenant"};
  BatchProcessor<pdata::Traces> p(c, &sink, spdlog::default_logger());
  ASSERT_TRUE(p.Start(host).ok());
  ASSERT_TRUE(p.Consume(FromTenant(6, "a")).ok());
  ASSERT_TRUE(p.Consume(FromTenant(6, "b")).ok());
  EXPECT_EQ(sink.items(), 0u);  // 12 spans in all, but 6 per tenant: nobody is full
  ASSERT_TRUE(p.Consume(FromTenant(4, "a")).ok());
  ASSERT_EQ(sink.batch_sizes(), std::vector<size_t>{10});
  std::vector<pdata::Traces> sent = sink.batches();
  for (const auto& e : sent[0].entries()) EXPECT_EQ(e.chunk->metadata()->Get("x-tenant")[0], "a");
  p.Shutdown();  // flushes b's 6
  EXPECT_EQ(sink.items(), 16u);
  sent = sink.batches();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(TenantOf(sent[1]), "b");
}

TEST(BatchByMetadata, TimersArePerBatcher) {
  ocelot::testing::TestHost host;
  ocelot::testing::RecordingConsumer<pdata::Traces> sink;
  Config c = MakeConfig(1000, 0, std::chrono::milliseconds(20));
  c.metadata_keys = {"X-TENANT"};  // keys match in any case
  BatchProcessor<pdata::Traces> p(c, &sink, spdlog::default_logger());
  ASSERT_TRUE(p.Start(host).ok());
  ASSERT_TRUE(p.Consume(FromTenant(2, "a")).ok());
  ASSERT_TRUE(p.Consume(FromTenant(3, "b")).ok());
  ASSERT_TRUE(p.Consume(FromTenant(1, "")).ok());  // no value is a combination of its own
  ASSERT_TRUE(sink.WaitForItems(6));
  auto sizes = sink.batch_sizes();
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 2, 3}));
  p.Shutdown();
}

TEST(BatchByMetadata, NewCombinationsOverTheCardinalityLimitAreRefused) {
  ocelot::testing::TestHost host;
  ocelot::testing::RecordingConsumer<pdata::Traces> sink;
  Config c = MakeConfig(1000, 0, std::chrono::hours(1));
  c.metadata_keys = {"x-tenant"};
  c.metadata_cardinality_limit = 2;
  telemetry::MetricsRegistry metrics;
  BatchProcessor<pdata::Traces> p(c, &sink, spdlog::default_logger(), &metrics, "batch");
  ASSERT_TRUE(p.Start(host).ok());
  ASSERT_TRUE(p.Consume(FromTenant(1, "a")).ok());
  ASSERT_TRUE(p.Consume(FromTenant(1, "b")).ok());
  absl::Status s = p.Consume(FromTenant(1, "c"));
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(consumer::IsRetryable(s));
  EXPECT_NE(s.message().find("too many batcher metadata-value combinations"), std::string::npos);
  EXPECT_TRUE(p.Consume(FromTenant(1, "a")).ok());  // known combinations still flow
  p.Shutdown();
  EXPECT_EQ(sink.items(), 3u);
  EXPECT_EQ(
      metrics.GetGauge("otelcol_processor_batch_metadata_cardinality", {{"processor", "batch"}})
          .value(),
      2);
}

TEST(BatchConfig, MetadataKeysAreAcceptedAndDuplicatesInAnyCaseAreAnError) {
  auto node = config::ParseYaml("metadata_keys: [tenant, Tenant]\n", "c.yaml");
  ASSERT_TRUE(node.ok());
  config::Diagnostics diag;
  config::MapDecoder d(*node, "processors::batch", &diag);
  Config c;
  c.Decode(d);
  d.Finish();
  c.Validate(d);
  ASSERT_EQ(diag.errors().size(), 1u);
  EXPECT_NE(diag.errors()[0].find("duplicate entry in metadata_keys: \"Tenant\""),
            std::string::npos)
      << diag.errors()[0];
}

}  // namespace
}  // namespace ocelot::processor::batch
