// ClickHouse's HTTP interface over libcurl: statements (DDL, SELECT) POSTed as the body, and
// `INSERT INTO <db>.<table> (<columns>) FORMAT RowBinary` with the query in the URL and the rows
// as the (optionally compressed) body. Credentials travel in the X-ClickHouse-User/-Key headers,
// never in the URL, and never appear in a message. Connections are kept alive in a small pool of
// curl handles.
//
// Every failure comes back as a status whose message names the cause in words ("authentication
// failed for user \"u\"", "database \"x\" does not exist", "cannot reach ClickHouse at ...") and
// whose code says whether a later attempt may succeed (consumer::Retryable) or not
// (consumer::Permanent); see Classify.
//
// Threads: every method may be called from any thread concurrently; each request takes its own
// handle from the pool.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "exporter/clickhouse/config.h"
#include "exporter/clickhouse/rows/rows.h"
#include "exporterhelper/sender.h"
#include "net/curl/handle_pool.h"

namespace ocelot::exporter::clickhouse {

// ClickHouse exception codes the exporter treats by name.
namespace code {
inline constexpr int kTypeMismatch = 53;
inline constexpr int kUnknownTable = 60;
inline constexpr int kSyntaxError = 62;
inline constexpr int kUnknownDatabase = 81;
inline constexpr int kReadonly = 164;
inline constexpr int kUnknownUser = 192;
inline constexpr int kWrongPassword = 193;
inline constexpr int kRequiredPassword = 194;
inline constexpr int kMemoryLimitExceeded = 241;
inline constexpr int kTooManyParts = 252;
inline constexpr int kAccessDenied = 497;
inline constexpr int kAuthenticationFailed = 516;
}  // namespace code

// True when a server error with this exception code may go away by itself (overload, memory,
// too many parts, timeouts, replicas/keeper trouble).
bool IsRetryableCode(int code);

// The status for a non-2xx answer: HTTP status, the X-ClickHouse-Exception-Code header (0 when
// absent; then "Code: N." at the start of the body is used) and the body. The message explains
// the cause for `connection` (user, database, server) in one line.
absl::Status Classify(const Connection& connection, long http_status, int exception_code,
                      std::string_view body);

// Compresses a request body for Content-Encoding gzip, deflate (zlib) or zstd.
absl::StatusOr<std::string> CompressBody(std::string_view encoding, std::string_view body);

class Client {
 public:
  explicit Client(Connection connection);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs one statement; returns the response body. `in_database`: the session's database is
  // the configured one (false for CREATE DATABASE, which must work before it exists).
  absl::StatusOr<std::string> Execute(std::string_view sql, exporterhelper::Deadline deadline,
                                      bool in_database = true);
  // Inserts one block into <database>.<block.table>.
  absl::Status Insert(const InsertBlock& block, exporterhelper::Deadline deadline);

  const Connection& connection() const { return connection_; }
  void CloseIdle();  // drops pooled connections (Shutdown)

 private:
  struct Handle;
  struct Request {
    std::string query_param;  // "" → the statement is the body
    std::string_view body;
    bool in_database = true;
    bool compressed = false;
  };
  absl::StatusOr<std::string> Perform(const Request& request, exporterhelper::Deadline deadline);

  const Connection connection_;
  net::HandlePool<Handle> handles_;
};

}  // namespace ocelot::exporter::clickhouse
