// gRPC's length-prefixed message on the wire: one flag byte (1: compressed with the call's
// grpc-encoding), a big-endian 32-bit length, then the message. Shared by the server and the
// client so the layout is written in one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ocelot::net {

inline constexpr size_t kGrpcFrameHeaderBytes = 5;

inline void WriteGrpcFrameHeader(char* out, bool compressed, size_t length) {
  const auto n = static_cast<uint32_t>(length);
  out[0] = compressed ? 1 : 0;
  out[1] = static_cast<char>(n >> 24);
  out[2] = static_cast<char>(n >> 16);
  out[3] = static_cast<char>(n >> 8);
  out[4] = static_cast<char>(n);
}

// The length the header declares; `framed` must hold at least the header.
inline size_t GrpcFrameLength(std::string_view framed) {
  const auto* b = reinterpret_cast<const unsigned char*>(framed.data());
  return (size_t{b[1]} << 24) | (size_t{b[2]} << 16) | (size_t{b[3]} << 8) | size_t{b[4]};
}

// An uncompressed frame with room for `length` message bytes after its header, so a caller
// can serialise straight into it (at data() + kGrpcFrameHeaderBytes) without a copy.
inline std::string NewGrpcFrame(size_t length) {
  std::string frame(kGrpcFrameHeaderBytes + length, '\0');
  WriteGrpcFrameHeader(frame.data(), false, length);
  return frame;
}

}  // namespace ocelot::net
