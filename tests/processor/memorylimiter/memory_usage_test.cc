// Reading the process's memory use and the memory it may use, from /proc and cgroup files.
#include "processor/memorylimiter/memory_usage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "testing/temp_dir.h"

namespace ocelot::processor::memorylimiter {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

TEST(MemoryUsage, ResidentBytesGrowWhenMemoryIsTouched) {
  auto before = ReadResidentBytes();
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_GT(*before, 0u);
  constexpr size_t kSize = 64 << 20;
  std::unique_ptr<char[]> block(new char[kSize]);  // untouched pages are not resident yet
  for (size_t i = 0; i < kSize; i += 4096) block[i] = 1;
  auto after = ReadResidentBytes();
  ASSERT_TRUE(after.ok());
  EXPECT_GE(*after, *before + (32u << 20));
  EXPECT_EQ(block[4096], 1);
}

TEST(MemoryUsage, ParsesCgroupLimits) {
  EXPECT_EQ(ParseCgroupLimit("536870912\n"), 536870912u);
  EXPECT_EQ(ParseCgroupLimit("max\n"), std::nullopt);
  EXPECT_EQ(ParseCgroupLimit("9223372036854771712\n"), std::nullopt);  // v1 "unlimited"
  EXPECT_EQ(ParseCgroupLimit(""), std::nullopt);
}

TEST(MemoryUsage, ParsesMemTotal) {
  EXPECT_EQ(ParseMemInfoTotal("MemTotal:        8039740 kB\nMemFree:  1 kB\n"),
            uint64_t{8039740} * 1024);
  EXPECT_EQ(ParseMemInfoTotal("MemFree:  1 kB\n"), std::nullopt);
}

TEST(MemoryUsage, TotalMemoryPrefersTheProcessCgroupV2Limit) {
  testing::TempDir root;
  Write(root / "sys/fs/cgroup/cgroup.controllers", "memory pids\n");
  Write(root / "proc/self/cgroup", "0::/system.slice/ocelot.service\n");
  Write(root / "sys/fs/cgroup/memory.max", "max\n");
  Write(root / "sys/fs/cgroup/system.slice/ocelot.service/memory.max", "268435456\n");
  Write(root / "proc/meminfo", "MemTotal: 1000 kB\n");
  auto total = TotalMemory(root.path().string());
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(*total, 268435456u);
}

TEST(MemoryUsage, TotalMemoryUsesTheV1LimitWhenSet) {
  testing::TempDir root;
  Write(root / "sys/fs/cgroup/memory/memory.limit_in_bytes", "1073741824\n");
  Write(root / "proc/meminfo", "MemTotal: 1000 kB\n");
  auto total = TotalMemory(root.path().string());
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*total, 1073741824u);
}

TEST(MemoryUsage, TotalMemoryFallsBackToTheMachineWithoutALimit) {
  testing::TempDir root;
  Write(root / "sys/fs/cgroup/cgroup.controllers", "memory\n");
  Write(root / "proc/self/cgroup", "0::/\n");
  Write(root / "sys/fs/cgroup/memory.max", "max\n");
  Write(root / "proc/meminfo", "MemTotal: 2048 kB\n");
  auto total = TotalMemory(root.path().string());
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*total, 2048u * 1024);
}

TEST(MemoryUsage, ThisMachineHasSomeTotalMemory) {
  auto total = TotalMemory();
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_GT(*total, 16u << 20);
}

}  // namespace
}  // namespace ocelot::processor::memorylimiter
