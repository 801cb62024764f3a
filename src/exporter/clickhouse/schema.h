// Start-up schema work: run the CREATE statements (unless create_schema is false), then read
// system.columns for every table the exporter writes and compare with the columns ocelot
// writes. A missing table, or one whose columns differ, stops the start with one line naming
// the table and the differing columns: ocelot never writes silently into a table of another
// shape.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "exporter/clickhouse/client.h"
#include "exporter/clickhouse/ddl.h"

namespace ocelot::exporter::clickhouse {

// One table as the server describes it.
struct ServerColumn {
  std::string name;
  std::string type;
  std::string default_kind;  // "", DEFAULT, MATERIALIZED, ALIAS, EPHEMERAL
};

// "" when `actual` holds every expected column with the expected type and nothing else that
// an insert would have to fill (extra columns with a DEFAULT/MATERIALIZED/ALIAS expression are
// fine); otherwise the differences, e.g.
//   "different types: Duration is UInt64, expected Int64; missing columns: Events.Name
//    Array(LowCardinality(String)); unexpected columns: Extra String".
std::string CompareColumns(const ExpectedTable& expected, const std::vector<ServerColumn>& actual);

// Creates (when `create`) and checks the tables of `signals`. Every statement gets `timeout`.
absl::Status EnsureSchema(Client& client, const DdlOptions& ddl, bool create,
                          const std::vector<pdata::Signal>& signals,
                          std::chrono::milliseconds timeout);

}  // namespace ocelot::exporter::clickhouse
