// memory_limiter options, as otelcol 0.96's memorylimiterprocessor. Like Go's, the default
// config is invalid: check_interval and a limit must be set.
#pragma once

#include <chrono>
#include <cstdint>

#include "component/factory.h"

namespace ocelot::processor::memorylimiter {

struct Config final : component::Config {
  // How often memory use is measured.
  config::Duration check_interval = std::chrono::nanoseconds(0);
  // Hard limit in MiB; takes precedence over limit_percentage.
  uint32_t limit_mib = 0;
  // Headroom below the hard limit; data is refused above limit - spike. 0: 20% of the limit.
  uint32_t spike_limit_mib = 0;
  // Hard limit as a percentage of the cgroup's memory limit, or of the machine's memory.
  uint32_t limit_percentage = 0;
  uint32_t spike_limit_percentage = 0;

  void Decode(config::MapDecoder& d) override {
    d.Field("check_interval", &check_interval);
    d.Field("limit_mib", &limit_mib);
    d.Field("spike_limit_mib", &spike_limit_mib);
    d.Field("limit_percentage", &limit_percentage);
    d.Field("spike_limit_percentage", &spike_limit_percentage);
  }
  // Go's messages, each at the key it is about.
  void Validate(config::MapDecoder& d) const override {
    if (check_interval.count() <= 0) {
      d.Error("check_interval", "'check_interval' must be greater than zero");
    }
    if (limit_mib == 0 && limit_percentage == 0) {
      d.Error("'limit_mib' or 'limit_percentage' must be greater than zero");
    }
    if (limit_percentage > 100 || spike_limit_percentage > 100) {
      d.Error(limit_percentage > 100 ? "limit_percentage" : "spike_limit_percentage",
              "'limit_percentage' and 'spike_limit_percentage' must be greater than zero and less "
              "than or equal to hundred");
    }
    if (limit_mib > 0 && limit_mib <= spike_limit_mib) {
      d.Error("spike_limit_mib", "'spike_limit_mib' must be smaller than 'limit_mib'");
    }
    if (limit_percentage > 0 && limit_percentage <= spike_limit_percentage) {
      d.Error("spike_limit_percentage",
              "'spike_limit_percentage' must be smaller than 'limit_percentage'");
    }
  }

  bool operator==(const Config& o) const {
    return check_interval == o.check_interval && limit_mib == o.limit_mib &&
           spike_limit_mib == o.spike_limit_mib && limit_percentage == o.limit_percentage &&
           spike_limit_percentage == o.spike_limit_percentage;
  }
};

}  // namespace ocelot::processor::memorylimiter
