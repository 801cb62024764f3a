// The status board counts failures within a window and knows whether a component recovered.
#include "telemetry/component_status.h"

#include <gtest/gtest.h>

namespace ocelot::telemetry {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(ComponentStatusBoard, CountsFailuresInsideTheWindowOnly) {
  ComponentStatusBoard board;
  ComponentStatusEntry& e = board.Register("exporter/otlp");
  const Clock::time_point t0 = Clock::now();
  e.RecordFailure("old", t0);
  e.RecordFailure("recent", t0 + minutes(10));
  e.RecordFailure("latest", t0 + minutes(11));
  auto s = e.Get(minutes(5), t0 + minutes(12));
  EXPECT_EQ(s.failures, 3);
  EXPECT_EQ(s.failures_in_window, 2);
  EXPECT_EQ(s.last_error, "latest");
  EXPECT_EQ(*s.failing_since, t0);
}

TEST(ComponentStatusBoard, SuccessEndsTheFailingStreak) {
  ComponentStatusBoard board;
  ComponentStatusEntry& e = board.Register("exporter/otlp");
  EXPECT_EQ(&e, &board.Register("exporter/otlp"));
  e.RecordFailure("x");
  e.RecordSuccess();
  auto all = board.Snapshot(seconds(60));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_FALSE(all[0].failing_since.has_value());
  EXPECT_EQ(all[0].successes, 1);
}

}  // namespace
}  // namespace ocelot::telemetry
