// Reads a google.rpc.Status (code, message, and a RetryInfo detail's delay), the error body of
// OTLP/HTTP and the details of a gRPC error. Decoded from the wire format by hand: three
// messages' worth of fields do not justify generating google/rpc.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ocelot::exporterhelper {

struct RpcStatus {
  int code = 0;
  std::string message;
  // google.rpc.RetryInfo.retry_delay, when the status carries one.
  std::optional<std::chrono::nanoseconds> retry_delay;
};

// nullopt when `bytes` is not a google.rpc.Status.
std::optional<RpcStatus> ParseRpcStatus(std::string_view bytes);

}  // namespace ocelot::exporterhelper
