// Pre-built request bodies for the load generator: requests of the configured shape, encoded
// once (protobuf or OTLP/JSON, optionally gzip) and sent many times. Variants differ in their
// trace and span ids, so a backend sees distinct traces and compression sees realistic data;
// timestamps are taken at build time, so backends with a TTL keep what they get.
#pragma once

#include <cstdint>
#include <string>

#include "pdata/batch.h"

namespace ocelot::loadgen {

struct Shape {
  std::string signal = "traces";  // traces, metrics, logs
  int items_per_request = 100;    // spans, data points or log records
  int attributes = 5;             // per item
  int attribute_size = 16;        // bytes per attribute value
  int events = 0;                 // span events per span
  int variant = 0;                // distinct ids per variant
  uint64_t start_unix_nano = 0;   // timestamps from here; 0: now
};

struct Payload {
  std::string proto;  // serialized Export*ServiceRequest
  std::string json;   // the same as OTLP/JSON
  std::string grpc_method;
  std::string http_path;
};

Payload BuildPayload(const Shape& shape);

}  // namespace ocelot::loadgen
