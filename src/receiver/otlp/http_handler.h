// OTLP/HTTP for the otlp receiver: decodes POST /v1/{traces,metrics,logs} (protobuf or JSON)
// into a batch, hands it to the pipeline and turns the result into the spec's HTTP answer.
#pragma once

#include <string>
#include <string_view>

#include "component/component.h"
#include "net/http_server.h"
#include "telemetry/obsreport.h"

namespace ocelot::receiver::otlp {

struct HttpPaths {
  std::string traces = "/v1/traces";
  std::string metrics = "/v1/metrics";
  std::string logs = "/v1/logs";
  // Attach the request's headers to the data as client metadata (include_metadata).
  bool include_metadata = false;
};

// Answers as otelcol 0.96's otlpreceiver does, except where the OTLP spec and later otelcol
// versions fixed it: a consumer error answers 503 + Retry-After when retryable and 400 when
// not (0.96 answered 500), and 404/405/415 carry a google.rpc.Status like every other error.
//
// Handle runs on io_context threads, several at once; the object is immutable after
// construction, so that is safe. The consumers must outlive it.
class HttpHandler {
 public:
  // A null consumer means the signal is not routed: its path answers 404. `telemetry`
  // (borrowed, may be null) counts accepted and refused items.
  HttpHandler(HttpPaths paths, component::NextConsumers next,
              telemetry::ReceiverTelemetry* telemetry = nullptr);

  net::HttpResponse Handle(const net::HttpRequest& request);

  // A google.rpc.Status answer in the request's encoding (JSON when its Content-Type names
  // JSON, protobuf otherwise). Fits net::HttpServerOptions::error_formatter, so that the
  // server's own errors (corrupt Content-Encoding, body over the limit) answer in OTLP form.
  static net::HttpResponse ErrorResponse(const net::HttpRequest& request, int http_status,
                                         std::string_view message);

 private:
  const HttpPaths paths_;
  const component::NextConsumers next_;
  telemetry::ReceiverTelemetry* const telemetry_;
};

}  // namespace ocelot::receiver::otlp
