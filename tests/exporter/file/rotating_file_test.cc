#include "exporter/file/rotating_file.h"

#include <gtest/gtest.h>

#include <set>

#include "testing/temp_dir.h"

namespace ocelot::exporter::file {
namespace {

using ocelot::testing::ReadFile;
using ocelot::testing::TempDir;
namespace fs = std::filesystem;

std::set<std::string> Files(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

// 2024-01-02T03:04:05.678Z
std::chrono::system_clock::time_point Instant(int plus_seconds = 0) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1704164645678LL)) +
         std::chrono::seconds(plus_seconds);
}

TEST(RotatingFile, BackupNameFollowsLumberjack) {
  RotatingFile f("/x/traces.json", RotationPolicy{}, false);
  EXPECT_EQ(f.BackupName(Instant()), "traces-2024-01-02T03-04-05.678.json");
}

TEST(RotatingFile, CreatesMissingParentDirectories) {
  TempDir dir;
  RotatingFile f(dir / "a/b/c/out.json", std::nullopt, false);
  ASSERT_TRUE(f.Open().ok());
  ASSERT_TRUE(f.Write("x\n").ok());
  f.Close();
  EXPECT_EQ(ReadFile(dir / "a/b/c/out.json"), "x\n");
}

TEST(RotatingFile, UnwritablePathIsAClearError) {
  TempDir dir;
  std::ofstream(dir / "file") << "not a directory";
  RotatingFile f(dir / "file/sub/out.json", std::nullopt, false);
  absl::Status s = f.Open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot create directory " + (dir / "file/sub")), std::string::npos)
      << s;
}

TEST(RotatingFile, RotatesBeforeExceedingMaxSizeAndKeepsTheName) {
  TempDir dir;
  int tick = 0;
  RotatingFile f(dir / "t.json", RotationPolicy{10, 0, 0, false}, false,
                 [&] { return Instant(tick++); });
  ASSERT_TRUE(f.Open().ok());
  ASSERT_TRUE(f.Write("123456\n").ok());
  ASSERT_TRUE(f.Write("abcdef\n").ok());  // 14 > 10: rotate first
  ASSERT_TRUE(f.Write("ABCDEF\n").ok());
  f.Close();
  EXPECT_EQ(Files(dir.path()), (std::set<std::string>{"t.json", "t-2024-01-02T03-04-05.678.json",
                                                      "t-2024-01-02T03-04-06.678.json"}));
  EXPECT_EQ(ReadFile(dir / "t.json"), "ABCDEF\n");
  EXPECT_EQ(ReadFile(dir / "t-2024-01-02T03-04-05.678.json"), "123456\n");
}

TEST(RotatingFile, KeepsAtMostMaxBackupsNewestFirst) {
  TempDir dir;
  int tick = 0;
  RotatingFile f(dir / "t.json", RotationPolicy{4, 0, 2, false}, false,
                 [&] { return Instant(tick++); });
  ASSERT_TRUE(f.Open().ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(f.Write("line\n").ok());
  f.Close();
  EXPECT_EQ(Files(dir.path()), (std::set<std::string>{"t.json", "t-2024-01-02T03-04-07.678.json",
                                                      "t-2024-01-02T03-04-08.678.json"}));
}

TEST(RotatingFile, RemovesBackupsOlderThanMaxDays) {
  TempDir dir;
  std::ofstream(dir / "t-2023-01-01T00-00-00.000.json") << "old";
  std::ofstream(dir / "unrelated-2023-01-01T00-00-00.000.json") << "keep";
  RotatingFile f(dir / "t.json", RotationPolicy{4, 7, 0, false}, false, [] { return Instant(); });
  ASSERT_TRUE(f.Open().ok());
  ASSERT_TRUE(f.Write("line\n").ok());
  ASSERT_TRUE(f.Write("line\n").ok());
  f.Close();
  EXPECT_EQ(Files(dir.path()), (std::set<std::string>{"t.json", "t-2024-01-02T03-04-05.678.json",
                                                      "unrelated-2023-01-01T00-00-00.000.json"}));
}

TEST(RotatingFile, WithoutRotationTruncatesUnlessAppend) {
  TempDir dir;
  std::ofstream(dir / "t.json") << "before\n";
  {
    RotatingFile f(dir / "t.json", std::nullopt, true);
    ASSERT_TRUE(f.Open().ok());
    ASSERT_TRUE(f.Write("appended\n").ok());
  }
  EXPECT_EQ(ReadFile(dir / "t.json"), "before\nappended\n");
  {
    RotatingFile f(dir / "t.json", std::nullopt, false);
    ASSERT_TRUE(f.Open().ok());
  }
  EXPECT_EQ(ReadFile(dir / "t.json"), "");
}

}  // namespace
}  // namespace ocelot::exporter::file
