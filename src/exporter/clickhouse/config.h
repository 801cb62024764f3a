// clickhouse exporter options: otelcol-contrib 0.96's keys and defaults (fact sheet §2) plus the
// keys users of later collectors write (create_schema, cluster_name, table_engine, compress).
// Ocelot speaks ClickHouse's HTTP(S) interface only; a native-protocol endpoint (tcp://,
// clickhouse://) is refused at validation with the HTTP endpoint to use instead.
//
// Option table (key — type — default):
//   endpoint            URL        required; http:// or https://, userinfo/path/query allowed
//   username            string     ""  (replaces the endpoint's userinfo when set; else "default")
//   password            string     ""  (secret: redacted everywhere)
//   database            string     default
//   connection_params   map        {}  ClickHouse settings (URL query params); driver keys
//                                      (dial_timeout, secure, skip_verify, compress, ...) are
//                                      interpreted here and not sent
//   traces_table_name   string     otel_traces  (+ _trace_id_ts, _trace_id_ts_mv)
//   logs_table_name     string     otel_logs
//   metrics_table_name  string     otel_metrics (prefix of _gauge, _sum, ...)
//   ttl_days            uint       0   deprecated (warns); both ttl_days and ttl > 0 is an error
//   ttl                 duration   0   0 = no TTL clause
//   timeout             duration   5s  per attempt (exporterhelper)
//   sending_queue       object     enabled, num_consumers 1, queue_size 1000
//   retry_on_failure    object     enabled, 5s / 30s / 300s, multiplier 1.5, randomization 0.5
//   create_schema       bool       true  (later collectors) run the CREATE statements at start
//   cluster_name        string     ""    (later) ON CLUSTER <name> on every DDL statement
//   table_engine        object     {name: MergeTree, params: ""}  (later)
//   compress            string     ""    (later) request body: none, gzip, deflate, zstd
//                                        (lz4 is accepted and sent as zstd)
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "component/factory.h"
#include "exporter/clickhouse/rows/rows.h"
#include "exporterhelper/settings.h"

namespace ocelot::exporter::clickhouse {

struct TableEngine {
  std::string name = "MergeTree";
  std::string params;
};

struct Config final : component::Config {
  exporterhelper::Settings helper;
  std::string endpoint;
  std::string username;
  std::string password;
  std::string database = "default";
  std::map<std::string, std::string> connection_params;
  std::string traces_table_name = "otel_traces";
  std::string logs_table_name = "otel_logs";
  std::string metrics_table_name = "otel_metrics";
  uint32_t ttl_days = 0;
  config::Duration ttl{0};
  bool create_schema = true;
  std::string cluster_name;
  TableEngine table_engine;
  std::string compress;

  Config() { helper.queue.num_consumers = 1; }
  void Decode(config::MapDecoder& d) override;
  void Validate(config::MapDecoder& d) const override;
  std::vector<std::string> Summary() const override;

  TableNames tables() const {
    return TableNames{traces_table_name, logs_table_name, metrics_table_name};
  }
};

// Where and how to talk to the server, resolved from endpoint + the other keys the way 0.96
// builds its DSN (connection_params override the endpoint's query; username replaces the
// userinfo; the database key replaces the URL path).
struct Connection {
  std::string base_url;  // "http://host:port" — no userinfo, path or query
  std::string user = "default";
  std::string password;
  std::string database = "default";
  // ClickHouse settings sent with every request as URL query parameters (true/false → 1/0).
  std::vector<std::pair<std::string, std::string>> settings;
  std::string compression;  // Content-Encoding of request bodies: "", gzip, deflate, zstd
  std::optional<std::chrono::milliseconds> connect_timeout;  // dial_timeout
  bool verify_peer = true;                                   // skip_verify: false
};

// Every problem in the endpoint/connection keys as (config key, message); empty when fine.
std::vector<std::pair<std::string, std::string>> ConnectionProblems(const Config& config);
// The resolved connection; an error (the first problem) when ConnectionProblems is not empty.
absl::StatusOr<Connection> ResolveConnection(const Config& config);

// True for a name ClickHouse accepts unquoted (and 0.96 writes unquoted): [A-Za-z_][A-Za-z0-9_]*.
bool IsPlainIdentifier(std::string_view name);

}  // namespace ocelot::exporter::clickhouse
