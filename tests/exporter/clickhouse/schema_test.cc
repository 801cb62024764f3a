// The schema check: which column differences stop the start, and how they are worded.
#include "exporter/clickhouse/schema.h"

#include <gtest/gtest.h>

namespace ocelot::exporter::clickhouse {
namespace {

std::vector<ServerColumn> AsServerHasThem(const ExpectedTable& t) {
  std::vector<ServerColumn> out;
  for (const auto& [name, type] : t.columns) out.push_back({name, type, ""});
  return out;
}

ExpectedTable Traces() { return ExpectedTables(TableNames{}, pdata::Signal::kTraces)[0]; }

TEST(ClickHouseSchema, IdenticalColumnsMatchInAnyOrder) {
  auto actual = AsServerHasThem(Traces());
  std::swap(actual[0], actual[5]);
  EXPECT_EQ(CompareColumns(Traces(), actual), "");
}

TEST(ClickHouseSchema, NamesEveryDifference) {
  auto actual = AsServerHasThem(Traces());
  for (auto& c : actual) {
    if (c.name == "Duration") c.type = "UInt64";  // the later traces schema
  }
  actual.erase(actual.begin() + 16);  // Events.Name
  actual.push_back({"Extra", "String", ""});
  EXPECT_EQ(CompareColumns(Traces(), actual),
            "different types: Duration is UInt64, expected Int64; missing columns: Events.Name "
            "Array(LowCardinality(String)); unexpected columns: Extra String");
}

TEST(ClickHouseSchema, ExtraColumnsWithADefaultAreFine) {
  auto actual = AsServerHasThem(Traces());
  actual.push_back({"TimestampTime", "DateTime", "DEFAULT"});
  actual.push_back({"Team", "String", "MATERIALIZED"});
  EXPECT_EQ(CompareColumns(Traces(), actual), "");
}

TEST(ClickHouseSchema, AnExpectedColumnThatCannotBeInsertedDiffers) {
  auto actual = AsServerHasThem(Traces());
  actual[1].default_kind = "ALIAS";
  EXPECT_EQ(CompareColumns(Traces(), actual),
            "different types: TraceId is ALIAS and cannot be inserted");
}

}  // namespace
}  // namespace ocelot::exporter::clickhouse
