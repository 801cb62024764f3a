// Exponential back-off: growth, cap, jitter bounds and the max_elapsed_time stop.
#include "exporterhelper/backoff.h"

#include <gtest/gtest.h>

namespace ocelot::exporterhelper {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, GrowsByTheMultiplierUpToMaxInterval) {
  RetrySettings s;  // 5s, x1.5, max 30s
  s.max_elapsed_time = std::chrono::hours(1);
  Backoff b(s, [] { return 0.5; });  // the middle of the jitter range: the interval itself
  std::vector<int64_t> got;
  for (int i = 0; i < 7; ++i)
    got.push_back(std::chrono::duration_cast<milliseconds>(*b.Next()).count());
  EXPECT_EQ(got, (std::vector<int64_t>{5000, 7500, 11250, 16875, 25312, 30000, 30000}));
}

TEST(Backoff, JitterStaysWithinTheRandomizationFactor) {
  RetrySettings s;
  Backoff low(s, [] { return 0.0; });
  Backoff high(s, [] { return 0.999999; });
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(*low.Next()).count(), 2500);
  EXPECT_NEAR(std::chrono::duration_cast<milliseconds>(*high.Next()).count(), 7500, 1);
}

TEST(Backoff, StopsOnceMaxElapsedTimeWouldBePassed) {
  RetrySettings s;
  s.max_elapsed_time = seconds(20);
  auto now = std::chrono::steady_clock::time_point();
  Backoff b(
      s, [] { return 0.5; }, [&] { return now; });
  EXPECT_TRUE(b.Next().has_value());  // 5s
  now += seconds(5);
  EXPECT_TRUE(b.Next().has_value());  // 5 + 7.5 <= 20
  now += seconds(8);
  EXPECT_FALSE(b.Next().has_value());  // 13 + 11.25 > 20
}

TEST(Backoff, ZeroMaxElapsedTimeRetriesForever) {
  RetrySettings s;
  s.max_elapsed_time = seconds(0);
  auto now = std::chrono::steady_clock::time_point();
  Backoff b(
      s, [] { return 0.5; }, [&] { return now; });
  now += std::chrono::hours(1000);
  EXPECT_TRUE(b.Next().has_value());
}

}  // namespace
}  // namespace ocelot::exporterhelper
