// zpages extension options, as otelcol 0.96's zpagesextension.
#pragma once

#include <string>

#include "component/factory.h"

namespace ocelot::extension::zpages {

struct Config final : component::Config {
  std::string endpoint = "localhost:55679";

  void Decode(config::MapDecoder& d) override {
    d.Endpoint("endpoint", &endpoint);
    // Go's expvar page (its runtime's variables) has no counterpart; accepted so configs load.
    d.Object("expvar", [](config::MapDecoder& e) {
      bool ignored = false;
      e.Field("enabled", &ignored);
    });
  }

  void Validate(config::MapDecoder& d) const override {
    if (endpoint.empty()) d.Error("endpoint", "endpoint must be specified");
  }

  std::vector<std::string> Summary() const override {
    return {"zpages at http://" + endpoint + "/debug/servicez"};
  }
};

}  // namespace ocelot::extension::zpages
