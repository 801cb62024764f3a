#include "service/history.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "testing/temp_dir.h"

namespace ocelot::service {
namespace {

using ocelot::testing::TempDir;

TEST(ConfigHistory, RecordsVersionsWithHashAndSources) {
  TempDir dir;
  ConfigHistory h(dir.path() / "history");
  auto v1 = h.Record("a: 1\n", "one.yaml");
  ASSERT_TRUE(v1.ok()) << v1.status();
  auto v2 = h.Record("a: 2\n", "two.yaml");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v2->version, 2);
  auto list = h.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].sources, "one.yaml");
  EXPECT_EQ((*list)[1].hash, Sha256Hex("a: 2\n"));
  EXPECT_EQ(*h.Content(1), "a: 1\n");
}

TEST(ConfigHistory, SameContentAsTheNewestIsNotANewVersion) {
  TempDir dir;
  ConfigHistory h(dir.path());
  ASSERT_TRUE(h.Record("a: 1\n", "x").ok());
  auto again = h.Record("a: 1\n", "x");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(h.List()->size(), 1u);
}

TEST(ConfigHistory, MissingVersionIsAClearError) {
  TempDir dir;
  ConfigHistory h(dir.path());
  auto c = h.Content(7);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "no version 7 in " + dir.path().string());
}

// `ocelot reload` polls for the status while the collector writes it; it once read an empty
// file (created, not yet written) as the outcome. Every read must see a whole status.
TEST(ConfigHistory, AReloadStatusIsNeverSeenHalfWritten) {
  TempDir dir;
  ConfigHistory h(dir.path());
  std::filesystem::create_directories(dir.path());
  const std::string status = "rejected: " + std::string(2000, 'x');
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 500; ++i) h.WriteReloadStatus(status);
    done = true;
  });
  int reads = 0;
  while (!done) {
    if (auto seen = h.ReadReloadStatus()) {
      ++reads;
      ASSERT_EQ(*seen, status);
    }
  }
  writer.join();
  EXPECT_EQ(h.ReadReloadStatus(), status);
  h.ClearReloadStatus();
  EXPECT_EQ(h.ReadReloadStatus(), std::nullopt);
}

TEST(Sha256Hex, MatchesTheKnownDigest) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace ocelot::service
