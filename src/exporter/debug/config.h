// debug exporter options, as otelcol 0.96's debugexporter.
#pragma once

#include <string>

#include "component/factory.h"

namespace ocelot::exporter::debug {

struct Config final : component::Config {
  std::string verbosity = "basic";  // basic: counts; normal: one line per item; detailed: all
  int sampling_initial = 2;
  int sampling_thereafter = 1;

  void Decode(config::MapDecoder& d) override {
    d.Enum("verbosity", &verbosity, {"basic", "normal", "detailed"});
    d.Field("sampling_initial", &sampling_initial);
    d.Field("sampling_thereafter", &sampling_thereafter);
  }
  void Validate(config::MapDecoder& d) const override {
    if (sampling_initial < 0) d.Error("sampling_initial", "must not be negative");
    if (sampling_thereafter < 0) d.Error("sampling_thereafter", "must not be negative");
  }
  std::vector<std::string> Summary() const override {
    return {"printing to stderr (verbosity " + verbosity + ")"};
  }
};

}  // namespace ocelot::exporter::debug
