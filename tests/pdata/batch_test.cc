#include "pdata/batch.h"

#include <gtest/gtest.h>

#include "testing/otlp_fixtures.h"

namespace ocelot::pdata {
namespace {

using ocelot::testing::MakeLogs;
using ocelot::testing::MakeMetrics;
using ocelot::testing::MakeTraces;

TEST(Batch, CountsItemsPerSignal) {
  EXPECT_EQ(Traces(MakeTraces(3, 4)).item_count(), 12u);
  EXPECT_EQ(Metrics(MakeMetrics(2, 5)).item_count(), 10u);
  EXPECT_EQ(Logs(MakeLogs(7)).item_count(), 7u);
}

TEST(Batch, AppendSharesChunksWithoutCopying) {
  auto chunk = MakeTraces(1, 2);
  Traces a(chunk);
  Traces b;
  b.Append(std::move(a));
  ASSERT_EQ(b.entries().size(), 1u);
  EXPECT_EQ(b.entries()[0].chunk.get(), chunk.get());
  EXPECT_TRUE(a.empty());
}

TEST(Batch, TakeFrontMovesWholeChunksAndSplitsOnlyTheStraddlingOne) {
  auto first = MakeTraces(1, 3);
  auto second = MakeTraces(2, 2);  // 4 spans over two resources
  Traces b(first);
  b.Append(second);
  Traces head = b.TakeFront(5);
  EXPECT_EQ(head.item_count(), 5u);
  EXPECT_EQ(b.item_count(), 2u);
  ASSERT_EQ(head.entries().size(), 2u);
  EXPECT_EQ(head.entries()[0].chunk.get(), first.get());  // moved, not copied
  // The cut chunk: head keeps resource 0's two spans, the rest keeps resource 1's two spans.
  const auto& cut = head.entries()[1].chunk->message();
  ASSERT_EQ(cut.resource_spans_size(), 1u);
  EXPECT_EQ(cut.resource_spans(0).scope_spans(0).spans(0).name(), "span-0-0");
  EXPECT_EQ(cut.resource_spans(0).scope_spans(0).spans_size(), 2);
  const auto& rest = b.entries()[0].chunk->message();
  EXPECT_EQ(rest.resource_spans(0).scope_spans(0).spans(0).name(), "span-1-0");
  EXPECT_EQ(rest.resource_spans(0).resource().attributes(0).key(), "service.name");
  EXPECT_EQ(rest.resource_spans(0).scope_spans(0).scope().name(), "test");
}

TEST(Batch, SplitsMetricsInsideOneMetricsDataPoints) {
  Metrics b(MakeMetrics(1, 10));
  Metrics head = b.TakeFront(4);
  EXPECT_EQ(head.item_count(), 4u);
  EXPECT_EQ(b.item_count(), 6u);
  const auto& h =
      head.entries()[0].chunk->message().resource_metrics(0).scope_metrics(0).metrics(0);
  EXPECT_EQ(h.name(), "metric-0");
  EXPECT_TRUE(h.sum().is_monotonic());
  EXPECT_EQ(h.sum().data_points_size(), 4);
  EXPECT_EQ(CountItems(b.entries()[0].chunk->message()), 6u);
}

TEST(Batch, SplitsLogs) {
  Logs b(MakeLogs(5));
  Logs head = b.TakeFront(2);
  EXPECT_EQ(head.item_count(), 2u);
  EXPECT_EQ(b.item_count(), 3u);
  EXPECT_EQ(b.entries()[0]
                .chunk->message()
                .resource_logs(0)
                .scope_logs(0)
                .log_records(0)
                .body()
                .string_value(),
            "line 2");
}

TEST(Batch, MergeIntoProducesOneRequestWithEveryItem) {
  Traces b(MakeTraces(1, 2));
  b.Append(MakeTraces(2, 1));
  TracesRequest merged;
  b.MergeInto(&merged);
  EXPECT_EQ(CountItems(merged), 4u);
  EXPECT_EQ(merged.resource_spans_size(), 3);
}

}  // namespace
}  // namespace ocelot::pdata

namespace ocelot::pdata {
namespace {

TEST(Batch, MutableMessageCopiesOnlyWhenShared) {
  auto chunk = ocelot::testing::MakeTraces(1, 2);
  const TracesRequest* original = &chunk->message();
  Traces a(chunk);
  Traces b(chunk);
  chunk.reset();
  // Shared by a and b: a gets a private copy; b still sees the original.
  a.MutableMessage(0)
      .mutable_resource_spans(0)
      ->mutable_scope_spans(0)
      ->mutable_spans()
      ->RemoveLast();
  a.Recount();
  EXPECT_EQ(a.item_count(), 1u);
  EXPECT_EQ(b.item_count(), 2u);
  EXPECT_EQ(&b.entries()[0].chunk->message(), original);
  EXPECT_NE(&a.entries()[0].chunk->message(), original);
  // Now b is the only holder: it mutates in place.
  b.MutableMessage(0).mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name(
      "x");
  EXPECT_EQ(&b.entries()[0].chunk->message(), original);
}

TEST(Batch, RecountDropsChunksLeftEmpty) {
  Traces a(ocelot::testing::MakeTraces(1, 1));
  a.Append(ocelot::testing::MakeTraces(1, 2));
  a.MutableMessage(0).clear_resource_spans();
  a.Recount();
  EXPECT_EQ(a.entries().size(), 1u);
  EXPECT_EQ(a.item_count(), 2u);
}

TEST(Batch, ChunksDerivedFromAFollowedChunkKeepItAliveWithoutChains) {
  auto original = testing::MakeTraces(1, 10);
  original->MarkFollowed();
  std::weak_ptr<const Chunk<TracesRequest>> watch = original;
  Traces b(std::shared_ptr<const Chunk<TracesRequest>>(std::move(original)));
  Traces first = b.TakeFront(3);
  Traces second = b.TakeFront(3);  // a split of a split
  EXPECT_EQ(first.entries()[0].chunk->origin().get(), watch.lock().get());
  EXPECT_EQ(second.entries()[0].chunk->origin().get(), watch.lock().get());
  EXPECT_EQ(b.entries()[0].chunk->origin().get(), watch.lock().get());
  first.Clear();
  second.Clear();
  EXPECT_FALSE(watch.expired());
  b.Clear();
  EXPECT_TRUE(watch.expired());
}

TEST(Batch, ChunksDerivedFromAnUnfollowedChunkHaveNoOrigin) {
  Traces b(testing::MakeTraces(1, 10));
  Traces first = b.TakeFront(3);
  EXPECT_EQ(first.entries()[0].chunk->origin(), nullptr);
  Traces shared = b;
  b.MutableMessage(0);
  EXPECT_EQ(b.entries()[0].chunk->origin(), nullptr);
}

}  // namespace
}  // namespace ocelot::pdata
