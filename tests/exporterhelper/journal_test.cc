// The entrance journal: stored before passed on, released when the last holder of its chunks is
// gone, replayed after a crash, kept and offered again when an exporter refused it (with new
// data refused meanwhile), and nothing kept when the client was told to retry.
#include "exporterhelper/journal.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "exporterhelper/memory_storage.h"
#include "testing/otlp_fixtures.h"

namespace ocelot::exporterhelper {
namespace {

const component::Id kStorage{"file_storage", ""};

// Stands in for a batch processor: answers OK and keeps the batches until the test lets go.
class HoldingConsumer final : public consumer::TracesConsumer {
 public:
  absl::Status Consume(pdata::Traces batch) override {
    std::lock_guard lock(mu);
    if (!answer.ok()) return answer;
    items += batch.item_count();
    held.push_back(std::move(batch));
    return absl::OkStatus();
  }
  void Release() {
    std::lock_guard lock(mu);
    held.clear();
  }
  std::mutex mu;  // guards everything below
  std::vector<pdata::Traces> held;
  size_t items = 0;
  absl::Status answer;
};

class JournalTest : public ::testing::Test {
 protected:
  JournalTest() { host.extensions[kStorage] = &storage; }

  std::unique_ptr<Journal> Make(HoldingConsumer* next) {
    component::CreateSettings settings;
    settings.id = component::Id{"otlp", ""};
    settings.logger = spdlog::default_logger();
    component::NextConsumers downstream;
    downstream.traces = next;
    return std::make_unique<Journal>(settings, kStorage, downstream, std::chrono::hours(1));
  }
  size_t Stored() {
    auto store = storage.Store("otlp/journal");
    std::lock_guard lock(store->mu);
    return store->data.size();
  }

  testing::MemoryStorageExtension storage;
  testing::ExtensionHost host;
};

pdata::Traces Spans(int n) { return pdata::Traces(testing::MakeTraces(1, n)); }

TEST_F(JournalTest, ABatchIsStoredBeforeItIsPassedOnAndDeletedOnceReleased) {
  HoldingConsumer next;
  auto journal = Make(&next);
  ASSERT_TRUE(journal->Start(host).ok());
  ASSERT_TRUE(journal->entrances().traces->Consume(Spans(5)).ok());
  EXPECT_EQ(Stored(), 1u);
  EXPECT_EQ(next.items, 5u);
  journal->FlushForTest();
  EXPECT_EQ(Stored(), 1u);  // still held downstream
  next.Release();
  journal->FlushForTest();
  EXPECT_EQ(Stored(), 1u);  // released one flush ago: not yet deleted
  journal->FlushForTest();
  EXPECT_EQ(Stored(), 0u);
  journal->Shutdown();
}

TEST_F(JournalTest, WhatACrashLeftIsPassedOnAtTheNextStart) {
  {
    HoldingConsumer next;
    auto journal = Make(&next);
    ASSERT_TRUE(journal->Start(host).ok());
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(journal->entrances().traces->Consume(Spans(i)).ok());
    // A crash now: the batches exist only in the "batch processor" and in the journal.
    auto store = storage.Store("otlp/journal");
    std::map<std::string, std::string> on_disk;
    {
      std::lock_guard lock(store->mu);
      on_disk = store->data;
    }
    journal->Shutdown();
    next.Release();
    journal.reset();
    std::lock_guard lock(store->mu);
    store->data = on_disk;  // what the disk held at the crash
  }
  HoldingConsumer next;
  auto journal = Make(&next);
  ASSERT_TRUE(journal->Start(host).ok());
  EXPECT_EQ(next.items, 6u);
  std::vector<size_t> sizes;
  for (const auto& b : next.held) sizes.push_back(b.item_count());
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 2, 3}));  // in the order they arrived
  next.Release();
  journal->Shutdown();
  EXPECT_EQ(Stored(), 0u);
}

TEST_F(JournalTest, ABatchAnExporterRefusedIsKeptOfferedAgainAndNewDataWaits) {
  HoldingConsumer next;
  auto journal = Make(&next);
  ASSERT_TRUE(journal->Start(host).ok());
  ASSERT_TRUE(journal->entrances().traces->Consume(Spans(4)).ok());
  // The "batch processor" sends later; the exporter's queue is full and refuses it.
  MarkRefused(Request(next.held[0]));
  next.Release();
  absl::Status s = journal->entrances().traces->Consume(Spans(1));
  EXPECT_TRUE(consumer::IsRetryable(s)) << s;
  EXPECT_EQ(Stored(), 1u);

  journal->FlushForTest();  // offered again; this time it goes through
  EXPECT_EQ(next.items, 8u);
  EXPECT_TRUE(journal->entrances().traces->Consume(Spans(1)).ok());
  next.Release();
  journal->FlushForTest();
  journal->FlushForTest();
  EXPECT_EQ(Stored(), 0u);
  journal->Shutdown();
}

TEST_F(JournalTest, NothingIsKeptWhenTheClientIsToldToRetry) {
  HoldingConsumer next;
  next.answer = consumer::Retryable("sending queue is full");
  auto journal = Make(&next);
  ASSERT_TRUE(journal->Start(host).ok());
  EXPECT_FALSE(journal->entrances().traces->Consume(Spans(2)).ok());
  journal->FlushForTest();
  journal->FlushForTest();
  EXPECT_EQ(Stored(), 0u);
  journal->Shutdown();
}

TEST_F(JournalTest, RefusedDataStaysForTheNextStartWhenStillRefusedAtShutdown) {
  HoldingConsumer next;
  auto journal = Make(&next);
  ASSERT_TRUE(journal->Start(host).ok());
  ASSERT_TRUE(journal->entrances().traces->Consume(Spans(3)).ok());
  MarkRefused(Request(next.held[0]));
  next.Release();
  journal->Shutdown();
  EXPECT_EQ(Stored(), 1u);
}

TEST_F(JournalTest, PiecesOfASplitChunkKeepTheRecordUntilTheLastPieceIsGone) {
  HoldingConsumer next;
  auto journal = Make(&next);
  ASSERT_TRUE(journal->Start(host).ok());
  ASSERT_TRUE(journal->entrances().traces->Consume(Spans(10)).ok());
  // A batch processor with send_batch_max_size 4 cuts the chunk and lets the original go.
  pdata::Traces rest = std::move(next.held[0]);
  pdata::Traces head = rest.TakeFront(4);
  next.Release();
  journal->FlushForTest();
  journal->FlushForTest();
  EXPECT_EQ(Stored(), 1u);  // both pieces are still in memory
  head.Clear();
  journal->FlushForTest();
  journal->FlushForTest();
  EXPECT_EQ(Stored(), 1u);  // the rest is
  rest.Clear();
  journal->FlushForTest();
  journal->FlushForTest();
  EXPECT_EQ(Stored(), 0u);
  journal->Shutdown();
}

TEST_F(JournalTest, ARefusedPieceOfASplitOrCopiedChunkKeepsTheRecord) {
  HoldingConsumer next;
  auto journal = Make(&next);
  ASSERT_TRUE(journal->Start(host).ok());
  ASSERT_TRUE(journal->entrances().traces->Consume(Spans(6)).ok());
  pdata::Traces rest = std::move(next.held[0]);
  pdata::Traces shared = rest;             // a second pipeline holds the same chunks
  rest.MutableMessage(0);                  // copy-on-write: a private copy
  pdata::Traces head = rest.TakeFront(2);  // and a split of the copy
  MarkRefused(Request(head));              // the exporter's queue is full
  next.Release();
  head.Clear();
  rest.Clear();
  shared.Clear();
  journal->Shutdown();
  EXPECT_EQ(Stored(), 1u);  // kept for the next start
}

}  // namespace
}  // namespace ocelot::exporterhelper
