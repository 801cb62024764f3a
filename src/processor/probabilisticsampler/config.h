// probabilistic_sampler options, as otelcol-contrib 0.96's probabilisticsamplerprocessor
// (hash_seed mode, the only mode 0.96 has).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "component/factory.h"

namespace ocelot::processor::probabilisticsampler {

struct Config final : component::Config {
  // Percentage of traces (or log records) kept; 0 keeps nothing, 100 or more keeps everything.
  // Go holds it as a float32, and so does the decision (sampler.h).
  double sampling_percentage = 0;
  // Collectors with the same seed keep the same traces; layered collectors use different seeds.
  uint32_t hash_seed = 0;
  // Logs only: hash the record's trace id ("traceID") or only from_attribute ("record").
  std::string attribute_source = "traceID";
  // Logs only: the attribute hashed when the trace id is absent or attribute_source is record.
  std::string from_attribute;
  // Logs only: an attribute whose numeric value overrides sampling_percentage per record.
  std::string sampling_priority;

  void Decode(config::MapDecoder& d) override {
    d.Field("sampling_percentage", &sampling_percentage);
    d.Field("hash_seed", &hash_seed);
    d.Enum("attribute_source", &attribute_source, {"traceID", "record"});
    d.Field("from_attribute", &from_attribute);
    d.Field("sampling_priority", &sampling_priority);
  }
  void Validate(config::MapDecoder& d) const override {
    if (sampling_percentage < 0) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "negative sampling rate: %.2f", sampling_percentage);
      d.Error("sampling_percentage", buf);
    } else if (!std::isfinite(sampling_percentage)) {
      d.Error("sampling_percentage", "sampling_percentage must be a finite number");
    }
  }
};

}  // namespace ocelot::processor::probabilisticsampler
