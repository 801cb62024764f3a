// Decompression of HTTP request bodies with zlib and libzstd, growing the output only as far as
// the caller's limit so that a small malicious body cannot allocate more than that.
#include "net/compression.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"

namespace ocelot::net {
namespace {

std::string Normalize(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

absl::Status TooLarge(size_t max_bytes) {
  return absl::ResourceExhaustedError("decompressed request body exceeds the limit of " +
                                      std::to_string(max_bytes) + " bytes");
}

// Output buffer that grows geometrically up to one byte past the limit, so that "exactly at the
// limit" and "over the limit" can be told apart without allocating more than needed.
class Output {
 public:
  Output(size_t input_size, size_t max_bytes)
      : max_bytes_(max_bytes), cap_(max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1) {
    // Telemetry compresses roughly 5-10x; start there and double.
    first_size_ = std::min(std::max<size_t>(input_size * 8, 16 << 10), cap_);
  }

  // Makes room for more output; false once the buffer already holds more than the limit.
  bool Reserve() {
    if (produced_ < buf_.size()) return true;
    if (buf_.size() >= cap_) return false;
    size_t next = buf_.empty() ? first_size_ : std::min(cap_, buf_.size() * 2);
    buf_.resize(next);
    return true;
  }
  char* next() { return buf_.data() + produced_; }
  size_t available() const { return buf_.size() - produced_; }
  void Advance(size_t n) { produced_ += n; }
  bool over_limit() const { return produced_ > max_bytes_; }
  std::string Take() && {
    buf_.resize(produced_);
    return std::move(buf_);
  }

 private:
  size_t max_bytes_;
  size_t cap_;
  size_t first_size_;
  std::string buf_;
  size_t produced_ = 0;
};

// window_bits selects the container: 16+15 gzip, 15 zlib, -15 raw deflate.
absl::StatusOr<std::string> Inflate(const char* name, std::string_view body, int window_bits,
                                    size_t max_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) {
    return absl::InternalError(std::string("cannot initialise the ") + name + " decoder");
  }
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&zs, &inflateEnd);
  const bool gzip = window_bits > 15;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  size_t in_left = body.size();  // not yet handed to zlib (avail_in is only 32 bits)
  Output out(body.size(), max_bytes);
  for (;;) {
    if (zs.avail_in == 0 && in_left > 0) {
      zs.avail_in = static_cast<uInt>(std::min<size_t>(in_left, UINT_MAX));
      in_left -= zs.avail_in;
    }
    if (!out.Reserve()) return TooLarge(max_bytes);
    uInt given = static_cast<uInt>(std::min<size_t>(out.available(), UINT_MAX));
    zs.next_out = reinterpret_cast<Bytef*>(out.next());
    zs.avail_out = given;
    int ret = inflate(&zs, Z_NO_FLUSH);
    out.Advance(given - zs.avail_out);
    if (out.over_limit()) return TooLarge(max_bytes);
    if (ret == Z_STREAM_END) {
      if (zs.avail_in == 0 && in_left == 0) break;
      // Go's gzip reader joins concatenated members (what `cat a.gz b.gz` makes); its zlib
      // reader stops at the end of the stream and ignores what follows. Do the same.
      if (!gzip) break;
      if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b) {
        return absl::InvalidArgumentError(
            "gzip request body is corrupt: unexpected data after the end of the gzip stream");
      }
      inflateReset(&zs);
      continue;
    }
    if (ret == Z_OK) continue;
    if (ret == Z_BUF_ERROR && zs.avail_in == 0 && in_left == 0) {
      return absl::InvalidArgumentError(std::string(name) +
                                        " request body is truncated (the stream does not end)");
    }
    if (ret == Z_BUF_ERROR) continue;  // no room for output; Reserve grows it or reports the limit
    return absl::InvalidArgumentError(
        std::string(name) + " request body is corrupt: " +
        (zs.msg != nullptr ? zs.msg : "zlib error " + std::to_string(ret)));
  }
  return std::move(out).Take();
}

// A zlib stream starts with a two-byte header whose compression method is 8 and whose 16-bit
// value is a multiple of 31; raw deflate data almost never does.
bool LooksLikeZlib(std::string_view body) {
  if (body.size() < 2) return false;
  auto b0 = static_cast<unsigned char>(body[0]);
  auto b1 = static_cast<unsigned char>(body[1]);
  return (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
}

absl::StatusOr<std::string> Unzstd(std::string_view body, size_t max_bytes) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  if (dctx == nullptr) return absl::InternalError("cannot initialise the zstd decoder");
  // The decoder allocates a buffer the size of the frame's window. A window larger than the
  // largest body we would accept is pointless, so refuse it rather than allocate it.
  int window_log = 20;
  while (window_log < 30 && (size_t{1} << window_log) < max_bytes) ++window_log;
  ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, window_log);

  ZSTD_inBuffer in{body.data(), body.size(), 0};
  Output out(body.size(), max_bytes);
  for (;;) {
    if (!out.Reserve()) return TooLarge(max_bytes);
    ZSTD_outBuffer o{out.next(), out.available(), 0};
    size_t ret = ZSTD_decompressStream(dctx.get(), &o, &in);
    out.Advance(o.pos);
    if (ZSTD_isError(ret)) {
      return absl::InvalidArgumentError(std::string("zstd request body is corrupt: ") +
                                        ZSTD_getErrorName(ret));
    }
    if (out.over_limit()) return TooLarge(max_bytes);
    if (in.pos == in.size) {
      if (ret == 0) break;  // every frame complete
      // All input consumed, room left for output, yet the frame is not finished.
      if (o.pos < o.size) {
        return absl::InvalidArgumentError(
            "zstd request body is truncated (the frame does not end)");
      }
    }
  }
  return std::move(out).Take();
}

absl::StatusOr<std::string> Deflate(std::string_view body, int window_bits) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return absl::InternalError("zlib: cannot initialise the compressor");
  }
  std::string out(deflateBound(&z, body.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return absl::InternalError("zlib: compression failed");
  return out;
}

}  // namespace

absl::StatusOr<std::string> Decompress(std::string_view encoding, std::string_view body,
                                       size_t max_bytes) {
  std::string enc = Normalize(encoding);
  if (enc.empty() || enc == "identity") {
    if (body.size() > max_bytes) {
      return absl::ResourceExhaustedError("request body exceeds the limit of " +
                                          std::to_string(max_bytes) + " bytes");
    }
    return std::string(body);
  }
  if (enc == "gzip" || enc == "x-gzip") return Inflate("gzip", body, 16 + MAX_WBITS, max_bytes);
  if (enc == "deflate" || enc == "zlib") {
    return Inflate(enc.c_str(), body, LooksLikeZlib(body) ? MAX_WBITS : -MAX_WBITS, max_bytes);
  }
  if (enc == "zstd") return Unzstd(body, max_bytes);
  return absl::InvalidArgumentError("unsupported Content-Encoding \"" + std::string(encoding) +
                                    "\" (supported: gzip, deflate, zlib, zstd)");
}

absl::StatusOr<std::string> Compress(std::string_view encoding, std::string_view body) {
  if (encoding == "gzip") return Deflate(body, 15 + 16);
  if (encoding == "zlib" || encoding == "deflate") return Deflate(body, 15);
  if (encoding == "zstd") {
    std::string out(ZSTD_compressBound(body.size()), '\0');
    size_t n = ZSTD_compress(out.data(), out.size(), body.data(), body.size(), 1);
    if (ZSTD_isError(n)) return absl::InternalError(ZSTD_getErrorName(n));
    out.resize(n);
    return out;
  }
  return absl::InvalidArgumentError("unsupported compression type \"" + std::string(encoding) +
                                    "\"");
}

}  // namespace ocelot::net
