#include "exporterhelper/rpc_status.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace ocelot::exporterhelper {
namespace {

using google::protobuf::internal::WireFormatLite;
using Stream = google::protobuf::io::CodedInputStream;

constexpr std::string_view kRetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";

bool ReadBytes(Stream* in, std::string* out) {
  uint32_t len = 0;
  return in->ReadVarint32(&len) && in->ReadString(out, static_cast<int>(len));
}

// Calls `field(number, wire_type, stream)` for each field; it returns false to skip the field.
template <typename Fn>
bool ForEachField(std::string_view bytes, Fn field) {
  Stream in(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    int number = WireFormatLite::GetTagFieldNumber(tag);
    auto type = WireFormatLite::GetTagWireType(tag);
    bool handled = false;
    if (!field(number, type, &in, &handled)) return false;
    if (!handled && !WireFormatLite::SkipField(&in, tag)) return false;
  }
  return in.CurrentPosition() == static_cast<int>(bytes.size());
}

// google.protobuf.Duration { int64 seconds = 1; int32 nanos = 2; }
std::optional<std::chrono::nanoseconds> ParseDuration(std::string_view bytes) {
  int64_t seconds = 0;
  int64_t nanos = 0;
  bool ok = ForEachField(bytes, [&](int n, auto type, Stream* in, bool* handled) {
    if ((n == 1 || n == 2) && type == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v = 0;
      if (!in->ReadVarint64(&v)) return false;
      (n == 1 ? seconds : nanos) = static_cast<int64_t>(v);
      *handled = true;
    }
    return true;
  });
  if (!ok) return std::nullopt;
  return std::chrono::seconds(seconds) + std::chrono::nanoseconds(static_cast<int32_t>(nanos));
}

}  // namespace

std::optional<RpcStatus> ParseRpcStatus(std::string_view bytes) {
  RpcStatus status;
  bool ok = ForEachField(bytes, [&](int n, auto type, Stream* in, bool* handled) {
    if (n == 1 && type == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v = 0;
      if (!in->ReadVarint64(&v)) return false;
      status.code = static_cast<int>(static_cast<int32_t>(v));
      *handled = true;
    } else if (n == 2 && type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!ReadBytes(in, &status.message)) return false;
      *handled = true;
    } else if (n == 3 && type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      // google.protobuf.Any { string type_url = 1; bytes value = 2; }
      std::string any;
      if (!ReadBytes(in, &any)) return false;
      *handled = true;
      std::string type_url;
      std::string value;
      ForEachField(any, [&](int an, auto at, Stream* ain, bool* ahandled) {
        if (at != WireFormatLite::WIRETYPE_LENGTH_DELIMITED || (an != 1 && an != 2)) return true;
        *ahandled = true;
        return ReadBytes(ain, an == 1 ? &type_url : &value);
      });
      if (type_url != kRetryInfoType) return true;
      // google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; }
      ForEachField(value, [&](int rn, auto rt, Stream* rin, bool* rhandled) {
        if (rn != 1 || rt != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) return true;
        std::string duration;
        if (!ReadBytes(rin, &duration)) return false;
        *rhandled = true;
        status.retry_delay = ParseDuration(duration);
        return true;
      });
    }
    return true;
  });
  if (!ok) return std::nullopt;
  return status;
}

}  // namespace ocelot::exporterhelper
