// The encoder's RowBinary against a real ClickHouse: tables with the fact sheet's column types
// (§3) accept every block, SELECT … FORMAT RowBinary gives back the very same bytes, and SQL sees
// the values 0.96 would have stored (nanosecond times, map values, arrays).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "exporter/clickhouse/rows/rows.h"
#include "fixtures.h"
#include "testing/clickhouse/clickhouse_server.h"
#include "testing/otlp_fixtures.h"

namespace ocelot::exporter::clickhouse {
namespace {

using ocelot::testing::ClickHouseServer;
using namespace testing;  // NOLINT: fixtures

// The sheet's column types, without codecs, indexes or ordering (they do not change RowBinary).
constexpr char kMap[] = "Map(LowCardinality(String), String)";

std::string TracesTable() {
  return std::string("CREATE TABLE otel_traces (Timestamp DateTime64(9), TraceId String, ") +
         "SpanId String, ParentSpanId String, TraceState String, SpanName LowCardinality(String), "
         "SpanKind LowCardinality(String), ServiceName LowCardinality(String), "
         "ResourceAttributes " +
         kMap + ", ScopeName String, ScopeVersion String, SpanAttributes " + kMap +
         ", Duration Int64, StatusCode LowCardinality(String), StatusMessage String, " +
         "Events Nested(Timestamp DateTime64(9), Name LowCardinality(String), Attributes " + kMap +
         "), Links Nested(TraceId String, SpanId String, TraceState String, Attributes " + kMap +
         ")) ENGINE = Memory";
}

std::string LogsTable() {
  return std::string("CREATE TABLE otel_logs (Timestamp DateTime64(9), TraceId String, ") +
         "SpanId String, TraceFlags UInt32, SeverityText LowCardinality(String), SeverityNumber "
         "Int32, ServiceName LowCardinality(String), Body String, ResourceSchemaUrl String, "
         "ResourceAttributes " +
         kMap +
         ", ScopeSchemaUrl String, ScopeName String, ScopeVersion "
         "String, ScopeAttributes " +
         kMap + ", LogAttributes " + kMap + ") ENGINE = Memory";
}

std::string MetricsTable(const std::string& suffix, const std::string& rest) {
  const std::string exemplars = std::string("Exemplars Nested(FilteredAttributes ") + kMap +
                                ", TimeUnix DateTime64(9), Value Float64, SpanId String, TraceId "
                                "String)";
  std::string columns = rest;
  const std::string placeholder = "EXEMPLARS";
  if (auto pos = columns.find(placeholder); pos != std::string::npos) {
    columns.replace(pos, placeholder.size(), exemplars);
  }
  return "CREATE TABLE otel_metrics_" + suffix + " (ResourceAttributes " + kMap +
         ", ResourceSchemaUrl String, ScopeName String, ScopeVersion String, ScopeAttributes " +
         kMap + ", ScopeDroppedAttrCount UInt32, ScopeSchemaUrl String, MetricName String, " +
         "MetricDescription String, MetricUnit String, Attributes " + kMap +
         ", StartTimeUnix DateTime64(9), TimeUnix DateTime64(9), " + columns + ") ENGINE = Memory";
}

class RowsInClickHouse : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!ClickHouseServer::Available()) return;
    server_ = new ClickHouseServer();
    absl::Status started = server_->Start();
    if (!started.ok()) {
      start_error_ = new std::string(started.ToString());
      return;
    }
    for (const std::string& ddl : {
             TracesTable(),
             LogsTable(),
             MetricsTable("gauge", "Value Float64, Flags UInt32, EXEMPLARS"),
             MetricsTable("sum",
                          "Value Float64, Flags UInt32, EXEMPLARS, AggTemp Int32, IsMonotonic "
                          "Boolean"),
             MetricsTable("histogram",
                          "Count UInt64, Sum Float64, BucketCounts Array(UInt64), ExplicitBounds "
                          "Array(Float64), EXEMPLARS, Flags UInt32, Min Float64, Max Float64"),
             MetricsTable("exponential_histogram",
                          "Count UInt64, Sum Float64, Scale Int32, ZeroCount UInt64, "
                          "PositiveOffset Int32, PositiveBucketCounts Array(UInt64), "
                          "NegativeOffset Int32, NegativeBucketCounts Array(UInt64), EXEMPLARS, "
                          "Flags UInt32, Min Float64, Max Float64"),
             MetricsTable("summary",
                          "Count UInt64, Sum Float64, ValueAtQuantiles Nested(Quantile Float64, "
                          "Value Float64), Flags UInt32"),
         }) {
      auto created = server_->Query(ddl);
      if (!created.ok()) {
        start_error_ = new std::string(ddl + ": " + created.status().ToString());
        return;
      }
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
  }

  void SetUp() override {
    if (!ClickHouseServer::Available()) GTEST_SKIP() << ClickHouseServer::SkipReason();
    ASSERT_EQ(start_error_, nullptr) << *start_error_;
  }

  // Inserts the block into an emptied table and reads the same columns back as RowBinary.
  static void ExpectRoundTrip(const InsertBlock& block) {
    SCOPED_TRACE(block.table);
    ASSERT_GT(block.rows, 0u);
    ASSERT_TRUE(server_->Query("TRUNCATE TABLE " + block.table).ok());
    auto inserted = server_->Insert(
        "INSERT INTO " + block.table + " (" + block.columns + ") FORMAT RowBinary", block.body);
    ASSERT_TRUE(inserted.ok()) << inserted.status();
    auto count = server_->Query("SELECT count() FROM " + block.table);
    ASSERT_TRUE(count.ok()) << count.status();
    EXPECT_EQ(*count, std::to_string(block.rows) + "\n");
    auto back = server_->Query("SELECT " + block.columns + " FROM " + block.table +
                               " SETTINGS max_threads = 1 FORMAT RowBinary");
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(*back == block.body) << "RowBinary differs after the round trip: sent "
                                     << block.body.size() << " bytes, got " << back->size();
  }

  static std::string Select(const std::string& sql) {
    auto result = server_->Query(sql + " FORMAT TSV");
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : "";
  }

  static ClickHouseServer* server_;
  static std::string* start_error_;
};

ClickHouseServer* RowsInClickHouse::server_ = nullptr;
std::string* RowsInClickHouse::start_error_ = nullptr;

TEST_F(RowsInClickHouse, SpanWithEveryField) {
  InsertBlock block = EncodeTraces(pdata::Traces(FullSpanChunk()), TableNames());
  ExpectRoundTrip(block);
  EXPECT_EQ(Select("SELECT toUnixTimestamp64Nano(Timestamp), TraceId, SpanId, ParentSpanId, "
                   "SpanKind, ServiceName, Duration, StatusCode FROM otel_traces"),
            std::to_string(kT0) + "\t" + kTraceHex + "\t" + kSpanHex + "\t" + kParentHex +
                "\tSPAN_KIND_CLIENT\tcheckout\t1234567891\tSTATUS_CODE_ERROR\n");
  // TSV escapes backslashes; these values have none.
  EXPECT_EQ(Select("SELECT SpanAttributes['kv'], SpanAttributes['d'], SpanAttributes['by'], "
                   "ResourceAttributes['b'], length(mapKeys(SpanAttributes)) FROM otel_traces"),
            "{\"a\":false,\"z\":1e+21}\t0.1\tZm9v\ttrue\t8\n");
  EXPECT_EQ(Select("SELECT arrayMap(t -> toUnixTimestamp64Nano(t), Events.Timestamp), "
                   "Events.Name, Events.Attributes[1]['exception.message'], Links.TraceId, "
                   "Links.TraceState, Links.Attributes[1]['link.n'] FROM otel_traces"),
            std::string("[").append(std::to_string(kT0 + 5) + "," + std::to_string(kT0 + 6) +
                                    "]\t['exception','retry']\tboom\t['" + kTraceHex +
                                    "','']\t['a=b','']\t9\n"));
}

TEST_F(RowsInClickHouse, ManySpansStayAligned) {
  pdata::Traces batch;
  for (int c = 0; c < 5; ++c) batch.Append(ocelot::testing::MakeTraces(3, 70, "svc"));
  InsertBlock block = EncodeTraces(batch, TableNames());
  EXPECT_EQ(block.rows, 5u * 3 * 70);
  ExpectRoundTrip(block);
  EXPECT_EQ(Select("SELECT countDistinct(SpanName), min(Duration), max(Duration), "
                   "any(ServiceName) FROM otel_traces"),
            "210\t1000\t1000\tsvc\n");
}

TEST_F(RowsInClickHouse, LogWithEveryField) {
  InsertBlock block = EncodeLogs(pdata::Logs(FullLogChunk()), TableNames());
  ExpectRoundTrip(block);
  EXPECT_EQ(Select("SELECT toUnixTimestamp64Nano(Timestamp), TraceId, SpanId, TraceFlags, "
                   "SeverityText, SeverityNumber, ServiceName, ResourceSchemaUrl, ScopeName, "
                   "ScopeAttributes['arr'], LogAttributes['i'] FROM otel_logs"),
            std::to_string(kT0) + "\t" + kTraceHex + "\t" + kSpanHex +
                "\t257\tWARN\t13\tbilling\thttps://opentelemetry.io/schemas/1.21.0\tlogger\t"
                "[1,\"\\\\u003cx\\\\u003e\"]\t-7\n");
}

TEST_F(RowsInClickHouse, EveryMetricKind) {
  auto blocks = EncodeMetrics(pdata::Metrics(EveryMetricKind()), TableNames());
  ASSERT_TRUE(blocks.ok()) << blocks.status();
  ASSERT_EQ(blocks->size(), 5u);
  for (const InsertBlock& block : *blocks) ExpectRoundTrip(block);
  EXPECT_EQ(Select("SELECT Value, Exemplars.TraceId[3], Exemplars.Value FROM otel_metrics_gauge "
                   "ORDER BY TimeUnix DESC LIMIT 1"),
            "1.5\t00000000000000000000000000000000\t[0.25,-3,0]\n");
  EXPECT_EQ(Select("SELECT AggTemp, IsMonotonic, Value FROM otel_metrics_sum"),
            "1\ttrue\t9223372036854776000\n");
  EXPECT_EQ(Select("SELECT Count, Sum, BucketCounts, ExplicitBounds, Min, Max FROM "
                   "otel_metrics_histogram ORDER BY Count DESC LIMIT 1"),
            "10\t12.5\t[1,2,7]\t[0.5,1]\t0.1\t3\n");
  EXPECT_EQ(Select("SELECT Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, "
                   "NegativeOffset, NegativeBucketCounts FROM otel_metrics_exponential_histogram"),
            "-2\t3\t-5\t[1,0,2]\t7\t[1099511627776]\n");
  EXPECT_EQ(Select("SELECT Count, Sum, ValueAtQuantiles.Quantile, ValueAtQuantiles.Value, "
                   "toUnixTimestamp64Nano(StartTimeUnix), ScopeDroppedAttrCount FROM "
                   "otel_metrics_summary"),
            "100\t250.5\t[0,0.5,1]\t[1,2,9]\t" + std::to_string(kT0 - 60'000'000'000) + "\t4\n");
}

}  // namespace
}  // namespace ocelot::exporter::clickhouse
