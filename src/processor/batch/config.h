// batch processor options, as otelcol 0.96's batchprocessor.
#pragma once

#include <cctype>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "component/factory.h"

namespace ocelot::processor::batch {

struct Config final : component::Config {
  // Send when this many items (spans, data points, log records) are waiting. 0: on timeout only.
  uint32_t send_batch_size = 8192;
  // Split larger batches; 0: no upper bound.
  uint32_t send_batch_max_size = 0;
  // Send whatever is waiting after this long, regardless of size.
  config::Duration timeout = std::chrono::milliseconds(200);
  // Batch separately per distinct combination of these client-metadata keys' values (the
  // receiver must set include_metadata); at most metadata_cardinality_limit combinations
  // (0: no limit).
  std::vector<std::string> metadata_keys;
  uint32_t metadata_cardinality_limit = 1000;

  void Decode(config::MapDecoder& d) override {
    d.Field("send_batch_size", &send_batch_size);
    d.Field("send_batch_max_size", &send_batch_max_size);
    d.Field("timeout", &timeout);
    d.Field("metadata_keys", &metadata_keys);
    d.Field("metadata_cardinality_limit", &metadata_cardinality_limit);
  }
  void Validate(config::MapDecoder& d) const override {
    if (send_batch_max_size > 0 && send_batch_max_size < send_batch_size) {
      d.Error("send_batch_max_size",
              "send_batch_max_size must be greater or equal to send_batch_size");
    }
    if (timeout.count() < 0) d.Error("timeout", "timeout must not be negative");
    std::set<std::string> seen;
    for (const std::string& key : metadata_keys) {
      std::string lower = key;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!seen.insert(lower).second) {
        d.Error("metadata_keys", "duplicate entry in metadata_keys: \"" + key + "\"");
      }
    }
  }
};

}  // namespace ocelot::processor::batch
