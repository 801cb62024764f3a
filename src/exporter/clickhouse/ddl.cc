// Column tables of every table (fact sheet §3), rendered into CREATE statements and into the
// column lists the schema check expects.
#include "exporter/clickhouse/ddl.h"

#include <chrono>

namespace ocelot::exporter::clickhouse {
namespace {

constexpr char kAttrMap[] = "Map(LowCardinality(String), String)";
constexpr char kZstd[] = "ZSTD(1)";
constexpr char kDeltaZstd[] = "Delta, ZSTD(1)";

// A column; a Nested column has `nested` sub-columns (and its codec after the parenthesis).
struct Column {
  std::string name;
  std::string type;  // empty for Nested
  std::string codec;
  std::vector<std::pair<std::string, std::string>> nested = {};
};

struct TableSpec {
  std::vector<Column> columns;
  std::vector<std::string> indexes;  // "idx_x expr TYPE ... GRANULARITY 1"
  std::string ttl_column;
  std::string partition;  // "" → no PARTITION BY
  std::string order;
  std::string settings;
};

std::string Bf(const std::string& name, const std::string& expr, const char* p) {
  return name + " " + expr + " TYPE bloom_filter(" + p + ") GRANULARITY 1";
}

std::vector<std::string> MapIndexes(const std::string& prefix, const std::string& column) {
  return {Bf("idx_" + prefix + "_key", "mapKeys(" + column + ")", "0.01"),
          Bf("idx_" + prefix + "_value", "mapValues(" + column + ")", "0.01")};
}

Column Exemplars() {
  return {"Exemplars",
          "",
          kZstd,
          {{"FilteredAttributes", kAttrMap},
           {"TimeUnix", "DateTime64(9)"},
           {"Value", "Float64"},
           {"SpanId", "String"},
           {"TraceId", "String"}}};
}

constexpr char kSettings[] = "index_granularity=8192, ttl_only_drop_parts = 1";

TableSpec TracesSpec() {
  TableSpec t;
  t.columns = {
      {"Timestamp", "DateTime64(9)", kDeltaZstd},
      {"TraceId", "String", kZstd},
      {"SpanId", "String", kZstd},
      {"ParentSpanId", "String", kZstd},
      {"TraceState", "String", kZstd},
      {"SpanName", "LowCardinality(String)", kZstd},
      {"SpanKind", "LowCardinality(String)", kZstd},
      {"ServiceName", "LowCardinality(String)", kZstd},
      {"ResourceAttributes", kAttrMap, kZstd},
      {"ScopeName", "String", kZstd},
      {"ScopeVersion", "String", kZstd},
      {"SpanAttributes", kAttrMap, kZstd},
      {"Duration", "Int64", kZstd},
      {"StatusCode", "LowCardinality(String)", kZstd},
      {"StatusMessage", "String", kZstd},
      {"Events",
       "",
       kZstd,
       {{"Timestamp", "DateTime64(9)"},
        {"Name", "LowCardinality(String)"},
        {"Attributes", kAttrMap}}},
      {"Links",
       "",
       kZstd,
       {{"TraceId", "String"},
        {"SpanId", "String"},
        {"TraceState", "String"},
        {"Attributes", kAttrMap}}},
  };
  t.indexes = {Bf("idx_trace_id", "TraceId", "0.001")};
  for (auto& i : MapIndexes("res_attr", "ResourceAttributes")) t.indexes.push_back(i);
  for (auto& i : MapIndexes("span_attr", "SpanAttributes")) t.indexes.push_back(i);
  t.indexes.push_back("idx_duration Duration TYPE minmax GRANULARITY 1");
  t.ttl_column = "Timestamp";
  t.partition = "toDate(Timestamp)";
  t.order = "(ServiceName, SpanName, toUnixTimestamp(Timestamp), TraceId)";
  t.settings = kSettings;
  return t;
}

TableSpec TraceIdTsSpec() {
  TableSpec t;
  t.columns = {{"TraceId", "String", kZstd},
               {"Start", "DateTime64(9)", kDeltaZstd},
               {"End", "DateTime64(9)", kDeltaZstd}};
  t.indexes = {Bf("idx_trace_id", "TraceId", "0.01")};
  t.ttl_column = "Start";
  t.order = "(TraceId, toUnixTimestamp(Start))";
  t.settings = "index_granularity=8192";
  return t;
}

TableSpec LogsSpec() {
  TableSpec t;
  t.columns = {
      {"Timestamp", "DateTime64(9)", kDeltaZstd},
      {"TraceId", "String", kZstd},
      {"SpanId", "String", kZstd},
      {"TraceFlags", "UInt32", kZstd},
      {"SeverityText", "LowCardinality(String)", kZstd},
      {"SeverityNumber", "Int32", kZstd},
      {"ServiceName", "LowCardinality(String)", kZstd},
      {"Body", "String", kZstd},
      {"ResourceSchemaUrl", "String", kZstd},
      {"ResourceAttributes", kAttrMap, kZstd},
      {"ScopeSchemaUrl", "String", kZstd},
      {"ScopeName", "String", kZstd},
      {"ScopeVersion", "String", kZstd},
      {"ScopeAttributes", kAttrMap, kZstd},
      {"LogAttributes", kAttrMap, kZstd},
  };
  t.indexes = {Bf("idx_trace_id", "TraceId", "0.001")};
  for (auto& i : MapIndexes("res_attr", "ResourceAttributes")) t.indexes.push_back(i);
  for (auto& i : MapIndexes("scope_attr", "ScopeAttributes")) t.indexes.push_back(i);
  for (auto& i : MapIndexes("log_attr", "LogAttributes")) t.indexes.push_back(i);
  t.indexes.push_back("idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1");
  t.ttl_column = "Timestamp";
  t.partition = "toDate(Timestamp)";
  t.order = "(ServiceName, SeverityText, toUnixTimestamp(Timestamp), TraceId)";
  t.settings = kSettings;
  return t;
}

enum class MetricType { kGauge, kSum, kHistogram, kExponentialHistogram, kSummary };
constexpr MetricType kMetricTypes[] = {MetricType::kGauge, MetricType::kSum, MetricType::kHistogram,
                                       MetricType::kExponentialHistogram, MetricType::kSummary};

const char* Suffix(MetricType t) {
  switch (t) {
    case MetricType::kGauge:
      return "_gauge";
    case MetricType::kSum:
      return "_sum";
    case MetricType::kHistogram:
      return "_histogram";
    case MetricType::kExponentialHistogram:
      return "_exponential_histogram";
    case MetricType::kSummary:
      return "_summary";
  }
  return "";
}

TableSpec MetricsSpec(MetricType type) {
  TableSpec t;
  t.columns = {
      {"ResourceAttributes", kAttrMap, kZstd},
      {"ResourceSchemaUrl", "String", kZstd},
      {"ScopeName", "String", kZstd},
      {"ScopeVersion", "String", kZstd},
      {"ScopeAttributes", kAttrMap, kZstd},
      {"ScopeDroppedAttrCount", "UInt32", kZstd},
      {"ScopeSchemaUrl", "String", kZstd},
      {"MetricName", "String", kZstd},
      {"MetricDescription", "String", kZstd},
      {"MetricUnit", "String", kZstd},
      {"Attributes", kAttrMap, kZstd},
      {"StartTimeUnix", "DateTime64(9)", kDeltaZstd},
      {"TimeUnix", "DateTime64(9)", kDeltaZstd},
  };
  auto add = [&](std::vector<Column> more) {
    for (Column& c : more) t.columns.push_back(std::move(c));
  };
  switch (type) {
    case MetricType::kGauge:
      add({{"Value", "Float64", kZstd}, {"Flags", "UInt32", kZstd}, Exemplars()});
      break;
    case MetricType::kSum:
      add({{"Value", "Float64", kZstd},
           {"Flags", "UInt32", kZstd},
           Exemplars(),
           {"AggTemp", "Int32", kZstd},
           {"IsMonotonic", "Boolean", kDeltaZstd}});
      break;
    case MetricType::kHistogram:
      add({{"Count", "UInt64", kDeltaZstd},
           {"Sum", "Float64", kZstd},
           {"BucketCounts", "Array(UInt64)", kZstd},
           {"ExplicitBounds", "Array(Float64)", kZstd},
           Exemplars(),
           {"Flags", "UInt32", kZstd},
           {"Min", "Float64", kZstd},
           {"Max", "Float64", kZstd}});
      break;
    case MetricType::kExponentialHistogram:
      add({{"Count", "UInt64", kDeltaZstd},
           {"Sum", "Float64", kZstd},
           {"Scale", "Int32", kZstd},
           {"ZeroCount", "UInt64", kZstd},
           {"PositiveOffset", "Int32", kZstd},
           {"PositiveBucketCounts", "Array(UInt64)", kZstd},
           {"NegativeOffset", "Int32", kZstd},
           {"NegativeBucketCounts", "Array(UInt64)", kZstd},
           Exemplars(),
           {"Flags", "UInt32", kZstd},
           {"Min", "Float64", kZstd},
           {"Max", "Float64", kZstd}});
      break;
    case MetricType::kSummary:
      add({{"Count", "UInt64", kDeltaZstd},
           {"Sum", "Float64", kZstd},
           {"ValueAtQuantiles", "", kZstd, {{"Quantile", "Float64"}, {"Value", "Float64"}}},
           {"Flags", "UInt32", kZstd}});
      break;
  }
  for (auto& i : MapIndexes("res_attr", "ResourceAttributes")) t.indexes.push_back(i);
  for (auto& i : MapIndexes("scope_attr", "ScopeAttributes")) t.indexes.push_back(i);
  for (auto& i : MapIndexes("attr", "Attributes")) t.indexes.push_back(i);
  t.ttl_column = "TimeUnix";
  t.partition = "toDate(TimeUnix)";
  t.order = "(MetricName, Attributes, toUnixTimestamp64Nano(TimeUnix))";
  t.settings = kSettings;
  return t;
}

std::string OnCluster(const DdlOptions& o) {
  return o.cluster_name.empty() ? "" : " ON CLUSTER " + o.cluster_name;
}

std::string RenderTable(const DdlOptions& o, const char* create, const std::string& name,
                        const TableSpec& t) {
  std::string sql = std::string(create) + " IF NOT EXISTS " + name + OnCluster(o) + " (\n";
  bool first = true;
  auto line = [&](const std::string& text) {
    if (!first) sql += ",\n";
    first = false;
    sql += "     " + text;
  };
  for (const Column& c : t.columns) {
    if (c.nested.empty()) {
      line(c.name + " " + c.type + " CODEC(" + c.codec + ")");
      continue;
    }
    std::string text = c.name + " Nested (\n";
    for (size_t i = 0; i < c.nested.size(); ++i) {
      text += "         " + c.nested[i].first + " " + c.nested[i].second +
              (i + 1 < c.nested.size() ? ",\n" : "\n");
    }
    text += "     ) CODEC(" + c.codec + ")";
    line(text);
  }
  for (const std::string& index : t.indexes) line("INDEX " + index);
  sql += "\n) ENGINE " + o.engine.name + "(" + o.engine.params + ")\n";
  sql += TtlClause(o, t.ttl_column) + "\n";
  if (!t.partition.empty()) sql += "PARTITION BY " + t.partition + "\n";
  sql += "ORDER BY " + t.order + "\n";
  sql += "SETTINGS " + t.settings + ";";
  return sql;
}

ExpectedTable Expect(const std::string& name, const TableSpec& t) {
  ExpectedTable e{name, {}};
  for (const Column& c : t.columns) {
    if (c.nested.empty()) {
      e.columns.emplace_back(c.name, c.type == "Boolean" ? "Bool" : c.type);
      continue;
    }
    for (const auto& [sub, type] : c.nested) {
      e.columns.emplace_back(c.name + "." + sub, "Array(" + type + ")");
    }
  }
  return e;
}

}  // namespace

DdlOptions DdlOptions::From(const Config& c, const std::string& database) {
  DdlOptions o;
  o.database = database;
  o.tables = c.tables();
  o.ttl_days = c.ttl_days;
  o.ttl = c.ttl;
  o.cluster_name = c.cluster_name;
  o.engine = c.table_engine;
  return o;
}

std::string TtlClause(const DdlOptions& o, const std::string& column) {
  std::string interval;
  if (o.ttl_days > 0) {
    interval = "toIntervalDay(" + std::to_string(o.ttl_days) + ")";
  } else if (o.ttl.count() > 0) {
    using std::chrono::hours;
    using std::chrono::minutes;
    using std::chrono::seconds;
    const config::Duration day = hours(24);
    if (o.ttl % day == config::Duration(0)) {
      interval = "toIntervalDay(" + std::to_string(o.ttl / day) + ")";
    } else if (o.ttl % hours(1) == config::Duration(0)) {
      interval = "toIntervalHour(" + std::to_string(o.ttl / hours(1)) + ")";
    } else if (o.ttl % minutes(1) == config::Duration(0)) {
      interval = "toIntervalMinute(" + std::to_string(o.ttl / minutes(1)) + ")";
    } else {
      interval = "toIntervalSecond(" + std::to_string(o.ttl / seconds(1)) + ")";
    }
  } else {
    return "";
  }
  return "TTL toDateTime(" + column + ") + " + interval;
}

Statement CreateDatabase(const DdlOptions& o) {
  return {"database", o.database, "CREATE DATABASE IF NOT EXISTS " + o.database + OnCluster(o)};
}

std::vector<Statement> CreateStatements(const DdlOptions& o, pdata::Signal signal) {
  std::vector<Statement> out;
  switch (signal) {
    case pdata::Signal::kTraces: {
      const std::string& traces = o.tables.traces;
      const std::string lookup = traces + "_trace_id_ts";
      out.push_back({"table", traces, RenderTable(o, "CREATE TABLE", traces, TracesSpec())});
      out.push_back({"table", lookup, RenderTable(o, "create table", lookup, TraceIdTsSpec())});
      out.push_back({"materialized view", lookup + "_mv",
                     "CREATE MATERIALIZED VIEW IF NOT EXISTS " + lookup + "_mv" + OnCluster(o) +
                         " TO " + o.database + "." + lookup +
                         "\nAS SELECT\nTraceId,\nmin(Timestamp) as Start,\nmax(Timestamp) as "
                         "End\nFROM\n" +
                         o.database + "." + traces + "\nWHERE TraceId != ''\nGROUP BY TraceId;"});
      break;
    }
    case pdata::Signal::kLogs:
      out.push_back(
          {"table", o.tables.logs, RenderTable(o, "CREATE TABLE", o.tables.logs, LogsSpec())});
      break;
    case pdata::Signal::kMetrics:
      for (MetricType type : kMetricTypes) {
        std::string name = o.tables.metrics + Suffix(type);
        out.push_back({"table", name, RenderTable(o, "CREATE TABLE", name, MetricsSpec(type))});
      }
      break;
  }
  return out;
}

std::vector<ExpectedTable> ExpectedTables(const TableNames& names, pdata::Signal signal) {
  std::vector<ExpectedTable> out;
  switch (signal) {
    case pdata::Signal::kTraces:
      out.push_back(Expect(names.traces, TracesSpec()));
      out.push_back(Expect(names.traces + "_trace_id_ts", TraceIdTsSpec()));
      break;
    case pdata::Signal::kLogs:
      out.push_back(Expect(names.logs, LogsSpec()));
      break;
    case pdata::Signal::kMetrics:
      for (MetricType type : kMetricTypes) {
        out.push_back(Expect(names.metrics + Suffix(type), MetricsSpec(type)));
      }
      break;
  }
  return out;
}

}  // namespace ocelot::exporter::clickhouse
