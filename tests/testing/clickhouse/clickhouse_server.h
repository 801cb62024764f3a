// A real ClickHouse server for tests: clickhouse-local from the chdb library (libchdb.so, a
// current ClickHouse built as a library), run as a child process serving ClickHouse's own HTTP
// and native interfaces on 127.0.0.1 with its own data directory.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ocelot::testing {

// Owns one server process and its data directory. One test thread drives Start/Stop/Restart;
// Query and Insert touch no mutable state and may run on any thread.
//
// User `default` always exists WITHOUT a password: clickhouse-local logs its own session in as
// ("default", "") and that cannot be configured. Tests of authentication use `users`.
// Rows older than a table's TTL vanish right after insert: use current timestamps.
class ClickHouseServer {
 public:
  struct User {
    std::string name;
    std::string password;
    bool readonly = false;  // profile with readonly = 2: SELECT and SET only, no INSERT or DDL
  };
  struct Options {
    std::vector<User> users;  // in addition to `default`
  };

  // True when libchdb.so and the launcher exist; otherwise tests should
  // GTEST_SKIP() << ClickHouseServer::SkipReason().
  static bool Available();
  static std::string SkipReason();
  // The libchdb.so used: $OCELOT_CHDB_LIB, else the CMake cache variable OCELOT_CHDB_LIB.
  static std::string LibraryPath();

  explicit ClickHouseServer(Options options = {});
  ~ClickHouseServer();  // SIGKILLs the server and removes the data directory
  ClickHouseServer(const ClickHouseServer&) = delete;
  ClickHouseServer& operator=(const ClickHouseServer&) = delete;

  // Picks free loopback ports (first start only), writes the config and starts the server;
  // returns once HTTP /ping answers "Ok.", or an error with the server log tail.
  absl::Status Start(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // SIGTERM, SIGKILL after `timeout`; reaps the child. Ports and data stay for Restart().
  void Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Stop() then Start() on the same ports and data directory (outage tests).
  absl::Status Restart();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  int http_port() const { return http_port_; }
  int tcp_port() const { return tcp_port_; }
  std::string http_endpoint() const;  // "http://127.0.0.1:PORT"
  std::string tcp_endpoint() const;   // "tcp://127.0.0.1:PORT"
  const std::string& data_dir() const { return dir_; }
  std::string LogTail(size_t max_bytes = 4000) const;  // of the server's stdout+stderr

  // POSTs `sql` as the body to the HTTP interface; returns the response body. A non-200 answer
  // is an error whose message reads "HTTP <status> (ClickHouse code <n>): <body>".
  absl::StatusOr<std::string> Query(std::string_view sql, std::string_view user = "default",
                                    std::string_view password = "") const;
  // Sends `sql` in the URL (?query=...) and `body` as POST data: INSERT ... FORMAT RowBinary.
  absl::StatusOr<std::string> Insert(std::string_view sql, std::string_view body,
                                     std::string_view user = "default",
                                     std::string_view password = "") const;

 private:
  absl::Status WriteConfig() const;
  absl::Status SpawnAndWait(std::chrono::milliseconds timeout);
  bool Reap(std::chrono::milliseconds timeout);  // true once the child is reaped

  Options options_;
  std::string dir_;
  int http_port_ = 0;
  int tcp_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace ocelot::testing
