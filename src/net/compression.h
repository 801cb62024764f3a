// HTTP body compression: decompression for the server (the Content-Encodings the Go
// collector's confighttp accepts: gzip, zlib/deflate, zstd, each with a cap on the decompressed
// size) and compression for the clients (the otlphttp and clickhouse exporters, the loadgen).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ocelot::net {

// Decodes `body` as sent with Content-Encoding `encoding` (case-insensitive; "" and "identity"
// pass the body through). Errors:
//   InvalidArgument    unsupported encoding, or a corrupt or truncated body;
//   ResourceExhausted  the decoded body would exceed `max_bytes` (a zip bomb stops there, having
//                      allocated at most `max_bytes`).
// "deflate" and "zlib" take a zlib stream, as Go's collector does, and also raw deflate, which
// some HTTP clients send under that name. Concatenated gzip members and zstd frames are joined.
absl::StatusOr<std::string> Decompress(std::string_view encoding, std::string_view body,
                                       size_t max_bytes);

// Encodes `body` for Content-Encoding `encoding`: gzip, zlib or deflate (a zlib stream, as
// Go's confighttp sends for both), zstd (level 1). Anything else is InvalidArgument.
absl::StatusOr<std::string> Compress(std::string_view encoding, std::string_view body);

}  // namespace ocelot::net
