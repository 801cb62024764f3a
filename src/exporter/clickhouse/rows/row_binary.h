// ClickHouse's RowBinary format, the few types the exporter's tables use, appended straight
// into one output string. Columns are written in insert-list order, one value after another;
// there are no separators, headers or per-row framing.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace ocelot::exporter::clickhouse::rowbinary {

static_assert(std::endian::native == std::endian::little,
              "RowBinary is little-endian; this writer copies native integers as they are");

// LEB128: string lengths, array and map element counts.
inline void AppendVarUInt(uint64_t v, std::string* out) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

// Int8..Int64, UInt8..UInt64, Float32, Float64: their little-endian bytes.
template <typename T>
inline void AppendFixed(T v, std::string* out) {
  static_assert(std::is_arithmetic_v<T>);
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}

// String, LowCardinality(String) and FixedString-free string columns: length, then bytes.
inline void AppendString(std::string_view s, std::string* out) {
  AppendVarUInt(s.size(), out);
  out->append(s.data(), s.size());
}

// DateTime64(9): Int64 nanoseconds since the epoch. OTLP times are uint64; Go converts them
// with int64(ts), so values past 2^63 wrap the same way here.
inline void AppendDateTime64Nanos(uint64_t ns, std::string* out) {
  AppendFixed(static_cast<int64_t>(ns), out);
}

// Bool: one byte, 0 or 1.
inline void AppendBool(bool v, std::string* out) { out->push_back(v ? 1 : 0); }

// Array(T) and Map(K, V) start with their element count; the caller then writes the elements
// (for a Map, key and value alternately).
inline void AppendCount(size_t n, std::string* out) { AppendVarUInt(n, out); }

}  // namespace ocelot::exporter::clickhouse::rowbinary
