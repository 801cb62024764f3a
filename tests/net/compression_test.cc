// Tests for request-body decompression: each encoding round-trips, and corrupt, truncated,
// oversize and unknown inputs fail with the right status.
#include "net/compression.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <string>

namespace ocelot::net {
namespace {

using ::testing::HasSubstr;

// window_bits: 16+15 gzip, 15 zlib, -15 raw deflate.
std::string Deflate(std::string_view data, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(
      deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY),
      Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Gzip(std::string_view data) { return Deflate(data, 16 + MAX_WBITS); }

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string Sample() {
  std::string s;
  for (int i = 0; i < 2000; ++i) s += "span " + std::to_string(i) + " of the sample; ";
  return s;
}

TEST(Decompress, IdentityAndEmptyPassThrough) {
  for (const char* enc : {"", "identity", "IDENTITY"}) {
    absl::StatusOr<std::string> out = Decompress(enc, "plain body", 100);
    ASSERT_TRUE(out.ok()) << enc << ": " << out.status();
    EXPECT_EQ(*out, "plain body");
  }
}

TEST(Decompress, GzipRoundTrips) {
  absl::StatusOr<std::string> out = Decompress("gzip", Gzip(Sample()), 1 << 20);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, Sample());
}

TEST(Decompress, EncodingNameIsCaseInsensitive) {
  absl::StatusOr<std::string> out = Decompress(" GZip ", Gzip("x"), 100);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "x");
}

TEST(Decompress, GzipJoinsConcatenatedMembers) {
  absl::StatusOr<std::string> out = Decompress("gzip", Gzip("first ") + Gzip("second"), 100);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "first second");
}

TEST(Decompress, DeflateAcceptsZlibAndRawStreams) {
  for (int bits : {MAX_WBITS, -MAX_WBITS}) {
    for (const char* enc : {"deflate", "zlib"}) {
      absl::StatusOr<std::string> out = Decompress(enc, Deflate(Sample(), bits), 1 << 20);
      ASSERT_TRUE(out.ok()) << enc << " bits " << bits << ": " << out.status();
      EXPECT_EQ(*out, Sample());
    }
  }
}

TEST(Decompress, ZstdRoundTripsAndJoinsFrames) {
  absl::StatusOr<std::string> out = Decompress("zstd", Zstd(Sample()), 1 << 20);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, Sample());

  out = Decompress("zstd", Zstd("one ") + Zstd("two"), 100);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "one two");
}

TEST(Decompress, EmptyContentRoundTrips) {
  EXPECT_EQ(Decompress("gzip", Gzip(""), 0).value_or("error"), "");
  EXPECT_EQ(Decompress("zstd", Zstd(""), 0).value_or("error"), "");
}

TEST(Decompress, CorruptGzipIsInvalidArgument) {
  std::string body = Gzip(Sample());
  body[body.size() / 2] ^= 0x55;
  body[body.size() / 2 + 1] ^= 0x55;
  absl::StatusOr<std::string> out = Decompress("gzip", body, 1 << 20);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("gzip request body is corrupt"));
}

TEST(Decompress, NotGzipAtAllIsInvalidArgument) {
  absl::StatusOr<std::string> out = Decompress("gzip", "{\"resourceSpans\":[]}", 1 << 20);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Decompress, TruncatedStreamsAreInvalidArgument) {
  std::string gz = Gzip(Sample());
  absl::StatusOr<std::string> out = Decompress("gzip", gz.substr(0, gz.size() / 2), 1 << 20);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("truncated"));

  std::string zs = Zstd(Sample());
  out = Decompress("zstd", zs.substr(0, zs.size() - 3), 1 << 20);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("zstd"));

  out = Decompress("gzip", "", 1 << 20);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Decompress, CorruptZstdIsInvalidArgument) {
  absl::StatusOr<std::string> out = Decompress("zstd", "definitely not zstd", 1 << 20);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("zstd request body is corrupt"));
}

TEST(Decompress, GarbageAfterGzipIsInvalidArgument) {
  absl::StatusOr<std::string> out = Decompress("gzip", Gzip("data") + "garbage", 100);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Decompress, OutputOverTheLimitIsResourceExhausted) {
  std::string zeros(1 << 20, '\0');  // compresses to about 1 KiB: a small zip bomb
  for (const auto& [enc, body] : {std::pair<const char*, std::string>{"gzip", Gzip(zeros)},
                                  {"deflate", Deflate(zeros, MAX_WBITS)},
                                  {"zstd", Zstd(zeros)}}) {
    absl::StatusOr<std::string> out = Decompress(enc, body, 4096);
    ASSERT_FALSE(out.ok()) << enc;
    EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted) << enc;
    EXPECT_THAT(std::string(out.status().message()), HasSubstr("4096")) << enc;
  }
}

TEST(Decompress, OutputExactlyAtTheLimitIsAccepted) {
  std::string data(4096, 'a');
  for (const auto& [enc, body] :
       {std::pair<const char*, std::string>{"gzip", Gzip(data)}, {"zstd", Zstd(data)}}) {
    absl::StatusOr<std::string> out = Decompress(enc, body, 4096);
    ASSERT_TRUE(out.ok()) << enc << ": " << out.status();
    EXPECT_EQ(*out, data);
    EXPECT_EQ(Decompress(enc, body, 4095).status().code(), absl::StatusCode::kResourceExhausted);
  }
}

TEST(Decompress, IdentityOverTheLimitIsResourceExhausted) {
  EXPECT_EQ(Decompress("", "12345", 4).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(Decompress, UnknownEncodingNamesIt) {
  absl::StatusOr<std::string> out = Decompress("br", "xx", 100);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()),
              HasSubstr("unsupported Content-Encoding \"br\""));
}

TEST(Compress, EveryClientEncodingRoundTripsThroughDecompress) {
  std::string data;
  for (int i = 0; i < 2000; ++i) data += "span " + std::to_string(i % 37) + ";";
  for (const char* enc : {"gzip", "zlib", "deflate", "zstd"}) {
    absl::StatusOr<std::string> body = Compress(enc, data);
    ASSERT_TRUE(body.ok()) << enc << ": " << body.status();
    EXPECT_LT(body->size(), data.size() / 4) << enc;
    absl::StatusOr<std::string> back = Decompress(enc, *body, data.size());
    ASSERT_TRUE(back.ok()) << enc << ": " << back.status();
    EXPECT_EQ(*back, data) << enc;
  }
}

TEST(Compress, UnknownEncodingNamesIt) {
  absl::StatusOr<std::string> out = Compress("snappy", "xx");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("\"snappy\""));
}

}  // namespace
}  // namespace ocelot::net
