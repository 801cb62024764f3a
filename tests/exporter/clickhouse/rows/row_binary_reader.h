// Test-side RowBinary decoder: reads back what the rows encoder wrote, value by value, and
// fails the test on truncated input.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocelot::exporter::clickhouse::testing {

using StringMap = std::vector<std::pair<std::string, std::string>>;

class RowBinaryReader {
 public:
  explicit RowBinaryReader(std::string_view data) : data_(data) {}

  bool done() const { return pos_ == data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  bool ok() const { return ok_; }

  uint64_t VarUInt() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!Need(1)) return 0;
      const auto b = static_cast<uint8_t>(data_[pos_++]);
      v |= uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    ADD_FAILURE() << "varint longer than 10 bytes";
    ok_ = false;
    return v;
  }

  template <typename T>
  T Fixed() {
    T v{};
    if (!Need(sizeof(T))) return v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::string String() {
    const uint64_t n = VarUInt();
    if (!Need(n)) return {};
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  int64_t DateTime64() { return Fixed<int64_t>(); }
  bool Bool() {
    const auto b = Fixed<uint8_t>();
    EXPECT_LE(b, 1) << "Bool byte";
    return b != 0;
  }

  StringMap Map() {
    StringMap m;
    const uint64_t n = VarUInt();
    for (uint64_t i = 0; i < n && ok_; ++i) {
      std::string k = String();
      std::string v = String();
      m.emplace_back(std::move(k), std::move(v));
    }
    return m;
  }

  template <typename F>
  auto Array(F read_one) -> std::vector<decltype(read_one())> {
    std::vector<decltype(read_one())> out;
    const uint64_t n = VarUInt();
    for (uint64_t i = 0; i < n && ok_; ++i) out.push_back(read_one());
    return out;
  }
  std::vector<std::string> StringArray() {
    return Array([this] { return String(); });
  }
  std::vector<int64_t> DateTime64Array() {
    return Array([this] { return DateTime64(); });
  }
  std::vector<StringMap> MapArray() {
    return Array([this] { return Map(); });
  }
  std::vector<double> Float64Array() {
    return Array([this] { return Fixed<double>(); });
  }
  std::vector<uint64_t> UInt64Array() {
    return Array([this] { return Fixed<uint64_t>(); });
  }

 private:
  bool Need(uint64_t n) {
    if (!ok_) return false;
    if (n > data_.size() - pos_) {
      ADD_FAILURE() << "RowBinary truncated at byte " << pos_ << ": need " << n << ", have "
                    << data_.size() - pos_;
      ok_ = false;
      return false;
    }
    return true;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace ocelot::exporter::clickhouse::testing
