#include "config/values.h"

#include <gtest/gtest.h>

namespace ocelot::config {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ParseDuration, AcceptsGoDurations) {
  EXPECT_EQ(*ParseDuration("1s"), seconds(1));
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("1m30s"), seconds(90));
  EXPECT_EQ(*ParseDuration("1.5h"), seconds(5400));
  EXPECT_EQ(*ParseDuration("300s"), seconds(300));
  EXPECT_EQ(*ParseDuration("0"), seconds(0));
  EXPECT_EQ(*ParseDuration("10us"), std::chrono::microseconds(10));
  EXPECT_EQ(*ParseDuration("-2s"), seconds(-2));
}

TEST(ParseDuration, RejectsWithAReason) {
  EXPECT_EQ(ParseDuration("10").status().message(),
            "invalid duration \"10\": missing unit (examples: 200ms, 5s, 1m30s)");
  EXPECT_EQ(ParseDuration("5 sec").status().message(),
            "invalid duration \"5 sec\": unknown unit \" sec\" (examples: 200ms, 5s, 1m30s)");
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_FALSE(ParseDuration("s").ok());
}

TEST(FormatDuration, PrintsLikeGo) {
  EXPECT_EQ(FormatDuration(seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(milliseconds(200)), "200ms");
  EXPECT_EQ(FormatDuration(seconds(0)), "0s");
  EXPECT_EQ(FormatDuration(std::chrono::hours(2)), "2h0m0s");
}

TEST(ParseEndpoint, AcceptsHostPortForms) {
  EXPECT_EQ(ParseEndpoint("localhost:4317")->host, "localhost");
  EXPECT_EQ(ParseEndpoint("localhost:4317")->port, 4317);
  EXPECT_EQ(ParseEndpoint("0.0.0.0:4318")->host, "0.0.0.0");
  EXPECT_EQ(ParseEndpoint(":4317")->host, "");
  EXPECT_EQ(ParseEndpoint("[::1]:4317")->host, "::1");
}

TEST(ParseEndpoint, RejectsWithAReason) {
  EXPECT_EQ(ParseEndpoint("localhost").status().message(),
            "invalid endpoint \"localhost\": missing port (expected host:port, e.g. "
            "localhost:4317)");
  EXPECT_FALSE(ParseEndpoint("localhost:99999").ok());
  EXPECT_FALSE(ParseEndpoint("localhost:http").ok());
  EXPECT_FALSE(ParseEndpoint("::1:4317").ok());
}

TEST(ParseBool, AcceptsYamlWords) {
  EXPECT_TRUE(*ParseBool("true"));
  EXPECT_FALSE(*ParseBool("False"));
  EXPECT_FALSE(ParseBool("maybe").ok());
}

}  // namespace
}  // namespace ocelot::config
