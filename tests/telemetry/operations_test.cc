// tracez's store: latency buckets as otelcol's, a bounded number of samples per bucket.
#include "telemetry/operations.h"

#include <gtest/gtest.h>

namespace ocelot::telemetry {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(OperationLog, BucketsFollowOtelcolTracez) {
  EXPECT_EQ(OperationLog::BucketOf(microseconds(5)), 0);
  EXPECT_EQ(OperationLog::BucketOf(microseconds(10)), 1);
  EXPECT_EQ(OperationLog::BucketOf(microseconds(500)), 2);
  EXPECT_EQ(OperationLog::BucketOf(milliseconds(5)), 3);
  EXPECT_EQ(OperationLog::BucketOf(milliseconds(50)), 4);
  EXPECT_EQ(OperationLog::BucketOf(milliseconds(500)), 5);
  EXPECT_EQ(OperationLog::BucketOf(seconds(5)), 6);
  EXPECT_EQ(OperationLog::BucketOf(seconds(50)), 7);
  EXPECT_EQ(OperationLog::BucketOf(seconds(500)), 8);
}

TEST(OperationLog, KeepsCountsForAllAndTheNewestSamples) {
  OperationLog log;
  for (int i = 0; i < 25; ++i) {
    OperationSample s;
    s.duration = milliseconds(2);
    s.items = i;
    log.Record("exporter/nop/traces", s);
  }
  OperationSample failed;
  failed.error = true;
  failed.message = "boom";
  log.Record("exporter/nop/traces", failed);
  auto summaries = log.Summaries();
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].latency[3], 25);
  EXPECT_EQ(summaries[0].errors, 1);
  auto samples = log.Samples("exporter/nop/traces", 3);
  ASSERT_EQ(samples.size(), OperationLog::kSamplesPerBucket);
  EXPECT_EQ(samples.front().items, 24);  // newest first
  EXPECT_EQ(log.Samples("exporter/nop/traces", -1).at(0).message, "boom");
  EXPECT_TRUE(log.Samples("nope", 0).empty());
}

}  // namespace
}  // namespace ocelot::telemetry
