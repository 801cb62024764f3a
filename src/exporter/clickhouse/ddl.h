// The CREATE statements of otelcol-contrib 0.96's clickhouse exporter (fact sheet §2–3): the
// database, the traces table, its trace-id lookup table and materialized view, the logs table
// and the five metrics tables; plus, from the same column tables, the columns the server must
// report for each table (names and types as system.columns shows them), for the schema check.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/values.h"
#include "exporter/clickhouse/config.h"
#include "exporter/clickhouse/rows/rows.h"
#include "pdata/batch.h"

namespace ocelot::exporter::clickhouse {

struct DdlOptions {
  std::string database = "default";
  TableNames tables;
  uint32_t ttl_days = 0;
  config::Duration ttl{0};
  std::string cluster_name;  // "" → no ON CLUSTER
  TableEngine engine;

  static DdlOptions From(const Config& c, const std::string& database);
};

// One statement to run, and the object it creates (for error messages).
struct Statement {
  std::string kind;    // "database", "table", "materialized view"
  std::string object;  // "otel", "otel_traces", "otel_traces_trace_id_ts_mv"
  std::string sql;
};

// "TTL toDateTime(<column>) + toInterval…(n)", or "" when no TTL is configured.
std::string TtlClause(const DdlOptions& o, const std::string& column);

Statement CreateDatabase(const DdlOptions& o);
// In creation order; table names unqualified (run with the database as the session's).
std::vector<Statement> CreateStatements(const DdlOptions& o, pdata::Signal signal);

// The columns a table holds, as system.columns lists them (Nested expanded into Array columns,
// Boolean shown as Bool), in table order.
struct ExpectedTable {
  std::string name;
  std::vector<std::pair<std::string, std::string>> columns;  // (name, type)
};
// The tables the exporter writes for a signal (for traces also the lookup table).
std::vector<ExpectedTable> ExpectedTables(const TableNames& names, pdata::Signal signal);

}  // namespace ocelot::exporter::clickhouse
