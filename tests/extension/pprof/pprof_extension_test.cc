// pprof: a CPU profile in gperftools' format that `pprof` reads, the profiler being in use,
// bad requests, and what /debug/pprof/heap answers without tcmalloc.
#include "extension/pprof/pprof_extension.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "testing/temp_dir.h"
#include "testing/test_host.h"

namespace ocelot::extension::pprof {
namespace {

net::HttpRequest Get(const std::string& path, const std::string& query = "") {
  net::HttpRequest r;
  r.method = "GET";
  r.path = path;
  r.query = query;
  return r;
}

// Walks a legacy CPU profile: header, sample records (count, depth, pcs), the trailer
// (0, 1, 0), then the text of the process's mappings. Returns the number of samples, or -1.
int64_t ParseCpuProfile(const std::string& data) {
  using Word = uintptr_t;
  if (!LooksLikeCpuProfile(data)) return -1;
  const size_t words = data.size() / sizeof(Word);
  auto at = [&](size_t i) {
    Word w;
    std::memcpy(&w, data.data() + i * sizeof(Word), sizeof(w));
    return w;
  };
  const size_t header_words = 2 + at(1);  // 0, then the number of header words that follow
  size_t i = header_words;
  int64_t samples = 0;
  while (i + 2 < words) {
    Word count = at(i), depth = at(i + 1);
    if (count == 0 && depth == 1 && at(i + 2) == 0) {
      // The process's memory map follows, as in /proc/self/maps, for symbolization.
      std::string rest = data.substr((i + 3) * sizeof(Word));
      return rest.find(" r-xp ") != std::string::npos ? samples : -1;
    }
    if (depth == 0 || depth > 1024) return -1;
    samples += static_cast<int64_t>(count);
    i += 2 + depth;
  }
  return -1;
}

TEST(Pprof, TwoSecondCpuProfileParses) {
  PprofExtension ext(Config{}, nullptr);
  std::atomic<bool> done{false};
  std::thread busy([&] {
    volatile double x = 1;
    while (!done.load(std::memory_order_relaxed)) x = x * 1.0000001 + 1e-9;
  });
  net::HttpResponse r = ext.Handle(Get("/debug/pprof/profile", "seconds=2"));
  done = true;
  busy.join();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/octet-stream");
  EXPECT_TRUE(LooksLikeCpuProfile(r.body));
  EXPECT_GE(ParseCpuProfile(r.body), 0);
}

TEST(Pprof, SaveToFileProfilesTheWholeRunAndHoldsTheProfiler) {
  testing::TempDir dir;
  testing::TestHost host;
  Config config;
  config.endpoint = "127.0.0.1:0";
  config.save_to_file = dir / "run.prof";
  PprofExtension ext(config, nullptr);
  ASSERT_TRUE(ext.Start(host).ok());
  EXPECT_GT(ext.port(), 0);
  net::HttpResponse r = ext.Handle(Get("/debug/pprof/profile", "seconds=1"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("cpu profiling already in use"), std::string::npos) << r.body;
  ext.Shutdown();
  const std::string saved = testing::ReadFile(dir / "run.prof");
  EXPECT_TRUE(LooksLikeCpuProfile(saved));
  EXPECT_GE(ParseCpuProfile(saved), 0);
}

TEST(Pprof, BadSecondsAre400) {
  PprofExtension ext(Config{}, nullptr);
  EXPECT_EQ(ext.Handle(Get("/debug/pprof/profile", "seconds=abc")).status, 400);
  EXPECT_EQ(ext.Handle(Get("/debug/pprof/profile", "seconds=0")).status, 400);
  EXPECT_EQ(ext.Handle(Get("/debug/pprof/profile", "seconds=100000")).status, 400);
}

TEST(Pprof, IndexCmdlineAndGoOnlyProfiles) {
  PprofExtension ext(Config{}, nullptr);
  net::HttpResponse index = ext.Handle(Get("/debug/pprof/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("href=\"profile?seconds=30\""), std::string::npos);
  net::HttpResponse cmdline = ext.Handle(Get("/debug/pprof/cmdline"));
  EXPECT_EQ(cmdline.status, 200);
  EXPECT_NE(cmdline.body.find("pprof_extension_test"), std::string::npos);
  EXPECT_EQ(ext.Handle(Get("/debug/pprof/goroutine")).status, 404);
  EXPECT_EQ(ext.Handle(Get("/elsewhere")).status, 404);
}

TEST(Pprof, HeapWithoutTcmallocExplainsWhat501Means) {
  if (std::getenv("LD_PRELOAD") != nullptr) GTEST_SKIP() << "an allocator may be preloaded";
  PprofExtension ext(Config{}, nullptr);
  net::HttpResponse r = ext.Handle(Get("/debug/pprof/heap"));
  EXPECT_EQ(r.status, 501);
  EXPECT_NE(r.body.find("LD_PRELOAD=libtcmalloc.so.4"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("bytes in use"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace ocelot::extension::pprof
