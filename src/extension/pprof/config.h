// pprof extension options, as otelcol 0.96's pprofextension.
#pragma once

#include <string>

#include "component/factory.h"

namespace ocelot::extension::pprof {

struct Config final : component::Config {
  std::string endpoint = "localhost:1777";
  // Go runtime sampling rates; accepted for compatibility. ocelot has no blocking or mutex
  // profiler, so they have no effect (Go's default 0 also means off).
  int block_profile_fraction = 0;
  int mutex_profile_fraction = 0;
  // A CPU profile of the whole run, written here at shutdown ("" : none).
  std::string save_to_file;

  void Decode(config::MapDecoder& d) override {
    d.Endpoint("endpoint", &endpoint);
    d.Field("block_profile_fraction", &block_profile_fraction);
    d.Field("mutex_profile_fraction", &mutex_profile_fraction);
    d.Field("save_to_file", &save_to_file);
  }

  void Validate(config::MapDecoder& d) const override {
    if (block_profile_fraction < 0) {
      d.Error("block_profile_fraction", "block_profile_fraction must not be negative");
    }
    if (mutex_profile_fraction < 0) {
      d.Error("mutex_profile_fraction", "mutex_profile_fraction must not be negative");
    }
  }

  std::vector<std::string> Summary() const override {
    std::vector<std::string> out = {"profiles at http://" + endpoint + "/debug/pprof/"};
    if (!save_to_file.empty()) out.push_back("CPU profile of the whole run to " + save_to_file);
    return out;
  }
};

}  // namespace ocelot::extension::pprof
