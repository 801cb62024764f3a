// Proves the ClickHouse test server: real DDL (Map, DateTime64, Nested, codecs, skip index, TTL),
// RowBinary inserts over HTTP, authentication errors, read-only users, restarts, two servers.
#include "testing/clickhouse/clickhouse_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace ocelot::testing {
namespace {

#define SKIP_UNLESS_AVAILABLE() \
  if (!ClickHouseServer::Available()) GTEST_SKIP() << ClickHouseServer::SkipReason()

constexpr char kCreateTable[] = R"sql(
CREATE TABLE spans (
  ts DateTime64(9) CODEC(Delta, ZSTD(1)),
  service LowCardinality(String),
  attrs Map(LowCardinality(String), String),
  events Nested(name String, value Float64),
  INDEX idx_attr_keys mapKeys(attrs) TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = MergeTree
ORDER BY (service, ts)
TTL toDateTime(ts) + INTERVAL 1 DAY)sql";

// RowBinary encoding, just what the table above needs.
void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
void PutString(std::string* out, const std::string& s) {
  PutVarint(out, s.size());
  out->append(s);
}
template <typename T>
void PutFixed(std::string* out, T v) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));  // little-endian host, as RowBinary wants
  out->append(bytes, sizeof(T));
}

struct Span {
  int64_t ts_ns;
  std::string service;
  std::map<std::string, std::string> attrs;
  std::vector<std::pair<std::string, double>> events;
};

std::string EncodeRowBinary(const std::vector<Span>& spans) {
  std::string out;
  for (const auto& s : spans) {
    PutFixed<int64_t>(&out, s.ts_ns);
    PutString(&out, s.service);
    PutVarint(&out, s.attrs.size());
    for (const auto& [k, v] : s.attrs) {
      PutString(&out, k);
      PutString(&out, v);
    }
    PutVarint(&out, s.events.size());  // events.name
    for (const auto& e : s.events) PutString(&out, e.first);
    PutVarint(&out, s.events.size());  // events.value
    for (const auto& e : s.events) PutFixed<double>(&out, e.second);
  }
  return out;
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

bool AcceptsTcp(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

// Local addresses (hex, as the kernel prints them) of sockets listening on `port`.
std::vector<std::string> ListenAddresses(int port) {
  std::vector<std::string> out;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      auto colon = local.rfind(':');
      if (state == "0A" && std::stoi(local.substr(colon + 1), nullptr, 16) == port) {
        out.push_back(local.substr(0, colon));
      }
    }
  }
  return out;
}

TEST(ClickHouseServer, StartsAndServesCurrentClickHouse) {
  SKIP_UNLESS_AVAILABLE();
  ClickHouseServer server;
  auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(server.Start().ok()) << server.LogTail();
  auto start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - begin)
                      .count();
  auto version = server.Query("SELECT version()");
  ASSERT_TRUE(version.ok()) << version.status();
  long rss_kb = RssKb(server.pid());
  std::cout << "ClickHouse " << *version << "started in " << start_ms << " ms, RSS " << rss_kb
            << " kB, " << server.http_endpoint() << " " << server.tcp_endpoint() << "\n";
  ::testing::Test::RecordProperty("start_ms", static_cast<int>(start_ms));
  ::testing::Test::RecordProperty("rss_kb", static_cast<int>(rss_kb));
  EXPECT_GE(std::stoi(*version), 24);
  EXPECT_EQ(server.http_endpoint(), "http://127.0.0.1:" + std::to_string(server.http_port()));
  EXPECT_TRUE(AcceptsTcp(server.tcp_port()));
  // Bound to 127.0.0.1 only (0100007F in the kernel's byte order), no IPv6 or wildcard.
  EXPECT_EQ(ListenAddresses(server.http_port()), std::vector<std::string>{"0100007F"});
  EXPECT_EQ(ListenAddresses(server.tcp_port()), std::vector<std::string>{"0100007F"});
}

TEST(ClickHouseServer, RoundTripsRowBinaryIntoRealSchema) {
  SKIP_UNLESS_AVAILABLE();
  ClickHouseServer server;
  ASSERT_TRUE(server.Start().ok()) << server.LogTail();
  auto created = server.Query(kCreateTable);
  ASSERT_TRUE(created.ok()) << created.status();

  int64_t now = NowNs();
  std::vector<Span> spans = {
      {now, "checkout", {{"http.method", "GET"}, {"k1", "v1"}}, {{"retry", 1.5}}},
      {now + 1, "cart", {{"k2", "v2"}}, {{"a", 1}, {"b", 2}}},
  };
  auto inserted = server.Insert("INSERT INTO spans FORMAT RowBinary", EncodeRowBinary(spans));
  ASSERT_TRUE(inserted.ok()) << inserted.status();

  auto rows = server.Query(
      "SELECT toUnixTimestamp64Nano(ts) - " + std::to_string(now) +
      ", service, attrs['k1'], events.name, events.value FROM spans ORDER BY ts FORMAT TSV");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, "0\tcheckout\tv1\t['retry']\t[1.5]\n1\tcart\t\t['a','b']\t[1,2]\n");

  auto by_key = server.Query("SELECT service FROM spans WHERE has(mapKeys(attrs), 'k2')");
  ASSERT_TRUE(by_key.ok()) << by_key.status();
  EXPECT_EQ(*by_key, "cart\n");

  auto type =
      server.Query("SELECT type FROM system.columns WHERE table = 'spans' AND name = 'attrs'");
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(*type, "Map(LowCardinality(String), String)\n");

  // Errors come back as HTTP status plus ClickHouse's exception code and text.
  auto bad = server.Query("SELECT no_such_column FROM spans");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("code 47"), std::string::npos) << bad.status();
}

TEST(ClickHouseServer, WrongPasswordIsRejectedWith516) {
  SKIP_UNLESS_AVAILABLE();
  ClickHouseServer server({.users = {{"writer", "s3cret"}}});
  ASSERT_TRUE(server.Start().ok()) << server.LogTail();
  auto ok = server.Query("SELECT currentUser()", "writer", "s3cret");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, "writer\n");

  auto wrong = server.Query("SELECT 1", "writer", "wrong");
  ASSERT_FALSE(wrong.ok());
  std::string message(wrong.status().message());
  EXPECT_NE(message.find("HTTP 403"), std::string::npos) << message;
  EXPECT_NE(message.find("code 516"), std::string::npos) << message;

  auto unknown = server.Query("SELECT 1", "nobody", "x");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(std::string(unknown.status().message()).find("516"), std::string::npos);
}

TEST(ClickHouseServer, ReadonlyUserCannotWrite) {
  SKIP_UNLESS_AVAILABLE();
  ClickHouseServer server({.users = {{"reader", "r", /*readonly=*/true}}});
  ASSERT_TRUE(server.Start().ok()) << server.LogTail();
  ASSERT_TRUE(server.Query("CREATE TABLE t (x UInt8) ENGINE = MergeTree ORDER BY x").ok());

  auto read = server.Query("SELECT count() FROM t", "reader", "r");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "0\n");
  auto write = server.Query("INSERT INTO t VALUES (1)", "reader", "r");
  ASSERT_FALSE(write.ok());
  std::cout << "readonly INSERT: " << write.status().message().substr(0, 120) << "\n";
  auto ddl = server.Query("CREATE TABLE u (x UInt8) ENGINE = Memory", "reader", "r");
  EXPECT_FALSE(ddl.ok());
}

TEST(ClickHouseServer, RestartKeepsPortsAndData) {
  SKIP_UNLESS_AVAILABLE();
  ClickHouseServer server;
  ASSERT_TRUE(server.Start().ok()) << server.LogTail();
  int http_port = server.http_port();
  ASSERT_TRUE(server.Query("CREATE TABLE t (x UInt64) ENGINE = MergeTree ORDER BY x").ok());
  ASSERT_TRUE(server.Query("INSERT INTO t SELECT number FROM numbers(1000)").ok());

  server.Stop();
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(server.Query("SELECT 1").ok());  // an outage: connection refused

  ASSERT_TRUE(server.Restart().ok()) << server.LogTail();
  EXPECT_EQ(server.http_port(), http_port);
  auto sum = server.Query("SELECT count(), sum(x) FROM t");
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(*sum, "1000\t499500\n");
}

TEST(ClickHouseServer, TwoServersRunSideBySide) {
  SKIP_UNLESS_AVAILABLE();
  ClickHouseServer a;
  ClickHouseServer b;
  ASSERT_TRUE(a.Start().ok()) << a.LogTail();
  ASSERT_TRUE(b.Start().ok()) << b.LogTail();
  EXPECT_NE(a.http_port(), b.http_port());
  EXPECT_NE(a.data_dir(), b.data_dir());
  ASSERT_TRUE(a.Query("CREATE TABLE only_in_a (x UInt8) ENGINE = Memory").ok());
  auto in_a = a.Query("EXISTS TABLE only_in_a");
  auto in_b = b.Query("EXISTS TABLE only_in_a");
  ASSERT_TRUE(in_a.ok() && in_b.ok());
  EXPECT_EQ(*in_a, "1\n");
  EXPECT_EQ(*in_b, "0\n");
}

}  // namespace
}  // namespace ocelot::testing
