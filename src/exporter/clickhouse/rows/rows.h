// Turns one batch into the INSERT bodies the clickhouse exporter posts: one block per table,
// rows in ClickHouse's RowBinary format, columns and values mapped as otelcol-contrib 0.96's
// clickhouse exporter maps them (../shared/reference/clickhouse/exporter-0.96-facts.md §3–4).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pdata/batch.h"

namespace ocelot::exporter::clickhouse {

// The configured table names (unqualified).
struct TableNames {
  std::string traces = "otel_traces";
  std::string logs = "otel_logs";
  std::string metrics = "otel_metrics";  // prefix: _gauge, _sum, _histogram, ...
};

// One INSERT: `INSERT INTO <db>.<table> (<columns>) FORMAT RowBinary` with `body`.
struct InsertBlock {
  std::string table;    // unqualified, e.g. "otel_traces"
  std::string columns;  // comma-separated insert column list, Nested columns expanded
  std::string body;     // RowBinary rows
  size_t rows = 0;
};

InsertBlock EncodeTraces(const pdata::Traces& batch, const TableNames& names);
InsertBlock EncodeLogs(const pdata::Logs& batch, const TableNames& names);
// One block per metric type present (gauge, sum, histogram, exponential histogram, summary);
// a metric whose data type is unset fails the whole batch, as 0.96 does.
absl::StatusOr<std::vector<InsertBlock>> EncodeMetrics(const pdata::Metrics& batch,
                                                       const TableNames& names);

}  // namespace ocelot::exporter::clickhouse
