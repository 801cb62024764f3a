// Pre-built request bodies for the load generator: one request of the configured shape,
// encoded once (protobuf or OTLP/JSON, optionally gzip) and sent many times.
#pragma once

#include <string>

#include "pdata/batch.h"

namespace ocelot::loadgen {

struct Shape {
  std::string signal = "traces";  // traces, metrics, logs
  int items_per_request = 100;    // spans, data points or log records
  int attributes = 5;             // per item
  int attribute_size = 16;        // bytes per attribute value
  int events = 0;                 // span events per span
};

struct Payload {
  std::string proto;  // serialized Export*ServiceRequest
  std::string json;   // the same as OTLP/JSON
  std::string grpc_method;
  std::string http_path;
};

Payload BuildPayload(const Shape& shape);
std::string GzipCompress(const std::string& in);

}  // namespace ocelot::loadgen
