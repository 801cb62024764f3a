// The CREATE statements against the fact sheet (§2–3): columns, codecs, indexes, TTL rule and
// placement, PARTITION/ORDER/SETTINGS, the lookup table and view, ON CLUSTER, table_engine; and
// the column lists the schema check expects.
#include "exporter/clickhouse/ddl.h"

#include <gtest/gtest.h>

namespace ocelot::exporter::clickhouse {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

DdlOptions Otel() {
  DdlOptions o;
  o.database = "otel";
  return o;
}

TEST(ClickHouseDdl, TracesTableHasEveryColumnCodecIndexAndClause) {
  auto s = CreateStatements(Otel(), pdata::Signal::kTraces);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].object, "otel_traces");
  const std::string& sql = s[0].sql;
  EXPECT_EQ(sql.rfind("CREATE TABLE IF NOT EXISTS otel_traces (\n", 0), 0u) << sql;
  for (const char* piece : {
           "Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),",
           "TraceId String CODEC(ZSTD(1)),",
           "SpanName LowCardinality(String) CODEC(ZSTD(1)),",
           "ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),",
           "Duration Int64 CODEC(ZSTD(1)),",
           "Events Nested (\n         Timestamp DateTime64(9),\n         Name "
           "LowCardinality(String),\n         Attributes Map(LowCardinality(String), String)\n     "
           ") CODEC(ZSTD(1)),",
           "Links Nested (\n         TraceId String,\n         SpanId String,\n         "
           "TraceState String,\n",
           "INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,",
           "INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) "
           "GRANULARITY 1,",
           "INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) "
           "GRANULARITY 1,",
           "INDEX idx_duration Duration TYPE minmax GRANULARITY 1\n) ENGINE MergeTree()\n\n"
           "PARTITION BY toDate(Timestamp)\n"
           "ORDER BY (ServiceName, SpanName, toUnixTimestamp(Timestamp), TraceId)\n"
           "SETTINGS index_granularity=8192, ttl_only_drop_parts = 1;",
       }) {
    EXPECT_TRUE(Contains(sql, piece)) << piece << "\n---\n" << sql;
  }
}

TEST(ClickHouseDdl, LookupTableAndViewForTraceIds) {
  DdlOptions o = Otel();
  o.ttl = std::chrono::hours(72);
  auto s = CreateStatements(o, pdata::Signal::kTraces);
  EXPECT_EQ(s[1].object, "otel_traces_trace_id_ts");
  EXPECT_EQ(s[1].sql.rfind("create table IF NOT EXISTS otel_traces_trace_id_ts (", 0), 0u);
  EXPECT_TRUE(Contains(s[1].sql, "Start DateTime64(9) CODEC(Delta, ZSTD(1)),"));
  EXPECT_TRUE(Contains(s[1].sql, "INDEX idx_trace_id TraceId TYPE bloom_filter(0.01)"));
  EXPECT_TRUE(Contains(s[1].sql,
                       ") ENGINE MergeTree()\nTTL toDateTime(Start) + toIntervalDay(3)\n"
                       "ORDER BY (TraceId, toUnixTimestamp(Start))\n"
                       "SETTINGS index_granularity=8192;"))
      << s[1].sql;
  EXPECT_FALSE(Contains(s[1].sql, "PARTITION BY"));
  EXPECT_EQ(s[2].object, "otel_traces_trace_id_ts_mv");
  EXPECT_EQ(s[2].sql,
            "CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_trace_id_ts_mv TO "
            "otel.otel_traces_trace_id_ts\nAS SELECT\nTraceId,\nmin(Timestamp) as Start,\n"
            "max(Timestamp) as End\nFROM\notel.otel_traces\nWHERE TraceId != ''\n"
            "GROUP BY TraceId;");
}

TEST(ClickHouseDdl, LogsTable) {
  auto s = CreateStatements(Otel(), pdata::Signal::kLogs);
  ASSERT_EQ(s.size(), 1u);
  for (const char* piece :
       {"TraceFlags UInt32 CODEC(ZSTD(1)),", "SeverityNumber Int32 CODEC(ZSTD(1)),",
        "INDEX idx_scope_attr_key mapKeys(ScopeAttributes)",
        "INDEX idx_log_attr_value mapValues(LogAttributes)",
        "INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1\n)",
        "ORDER BY (ServiceName, SeverityText, toUnixTimestamp(Timestamp), "
        "TraceId)"}) {
    EXPECT_TRUE(Contains(s[0].sql, piece)) << piece << "\n---\n" << s[0].sql;
  }
}

TEST(ClickHouseDdl, FiveMetricsTables) {
  auto s = CreateStatements(Otel(), pdata::Signal::kMetrics);
  ASSERT_EQ(s.size(), 5u);
  std::vector<std::string> names;
  for (const auto& st : s) names.push_back(st.object);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "otel_metrics_gauge", "otel_metrics_sum", "otel_metrics_histogram",
                       "otel_metrics_exponential_histogram", "otel_metrics_summary"}));
  EXPECT_TRUE(Contains(s[1].sql, "IsMonotonic Boolean CODEC(Delta, ZSTD(1))")) << s[1].sql;
  EXPECT_TRUE(Contains(s[2].sql, "Count UInt64 CODEC(Delta, ZSTD(1)),"));
  EXPECT_TRUE(Contains(s[4].sql, "ValueAtQuantiles Nested (\n         Quantile Float64,"));
  EXPECT_FALSE(Contains(s[4].sql, "Exemplars"));
  for (const auto& st : s) {
    EXPECT_FALSE(Contains(st.sql, "ServiceName")) << st.sql;  // added after 0.96
    EXPECT_TRUE(Contains(st.sql,
                         "PARTITION BY toDate(TimeUnix)\n"
                         "ORDER BY (MetricName, Attributes, toUnixTimestamp64Nano(TimeUnix))"));
    EXPECT_TRUE(Contains(st.sql, "INDEX idx_attr_key mapKeys(Attributes)"));
  }
}

TEST(ClickHouseDdl, TtlUsesTheLargestWholeUnit) {
  DdlOptions o;
  EXPECT_EQ(TtlClause(o, "Timestamp"), "");
  o.ttl = std::chrono::hours(48);
  EXPECT_EQ(TtlClause(o, "Timestamp"), "TTL toDateTime(Timestamp) + toIntervalDay(2)");
  o.ttl = std::chrono::hours(36);
  EXPECT_EQ(TtlClause(o, "TimeUnix"), "TTL toDateTime(TimeUnix) + toIntervalHour(36)");
  o.ttl = std::chrono::minutes(90);
  EXPECT_EQ(TtlClause(o, "Start"), "TTL toDateTime(Start) + toIntervalMinute(90)");
  o.ttl = std::chrono::milliseconds(90500);
  EXPECT_EQ(TtlClause(o, "Start"), "TTL toDateTime(Start) + toIntervalSecond(90)");
  o.ttl_days = 7;  // the deprecated key wins (the config rejects both set)
  EXPECT_EQ(TtlClause(o, "Timestamp"), "TTL toDateTime(Timestamp) + toIntervalDay(7)");
}

TEST(ClickHouseDdl, TtlSitsBetweenEngineAndPartition) {
  DdlOptions o = Otel();
  o.ttl = std::chrono::hours(72);
  auto s = CreateStatements(o, pdata::Signal::kLogs);
  EXPECT_TRUE(Contains(s[0].sql,
                       ") ENGINE MergeTree()\nTTL toDateTime(Timestamp) + "
                       "toIntervalDay(3)\nPARTITION BY toDate(Timestamp)\n"))
      << s[0].sql;
}

TEST(ClickHouseDdl, ClusterAndEngineApplyToEveryStatement) {
  DdlOptions o = Otel();
  o.cluster_name = "c1";
  o.engine = {"ReplicatedMergeTree", "'/t/{shard}', '{replica}'"};
  EXPECT_EQ(CreateDatabase(o).sql, "CREATE DATABASE IF NOT EXISTS otel ON CLUSTER c1");
  for (pdata::Signal sig :
       {pdata::Signal::kTraces, pdata::Signal::kLogs, pdata::Signal::kMetrics}) {
    for (const Statement& s : CreateStatements(o, sig)) {
      EXPECT_TRUE(Contains(s.sql, s.object + " ON CLUSTER c1 ")) << s.sql;
      if (s.object.size() > 3 && s.object.substr(s.object.size() - 3) == "_mv") continue;
      EXPECT_TRUE(Contains(s.sql, ") ENGINE ReplicatedMergeTree('/t/{shard}', '{replica}')\n"))
          << s.sql;
    }
  }
}

TEST(ClickHouseDdl, ExpectedColumnsMatchTheInsertColumnCounts) {
  TableNames names;
  auto traces = ExpectedTables(names, pdata::Signal::kTraces);
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0].columns.size(), 22u);
  EXPECT_EQ(traces[0].columns[15],
            (std::pair<std::string, std::string>{"Events.Timestamp", "Array(DateTime64(9))"}));
  EXPECT_EQ(traces[1].name, "otel_traces_trace_id_ts");
  EXPECT_EQ(ExpectedTables(names, pdata::Signal::kLogs)[0].columns.size(), 15u);
  auto metrics = ExpectedTables(names, pdata::Signal::kMetrics);
  std::vector<size_t> counts;
  for (const auto& t : metrics) counts.push_back(t.columns.size());
  EXPECT_EQ(counts, (std::vector<size_t>{20, 22, 25, 29, 18}));  // the fact sheet's placeholders
  EXPECT_EQ(metrics[1].columns.back(),
            (std::pair<std::string, std::string>{"IsMonotonic", "Bool"}));
}

}  // namespace
}  // namespace ocelot::exporter::clickhouse
