// resource processor options, as otelcol-contrib 0.96's resourceprocessor: a list of attribute
// actions applied to every resource.
#pragma once

#include <vector>

#include "component/factory.h"
#include "pdata/attribute_actions.h"

namespace ocelot::processor::resource {

struct Config final : component::Config {
  // Required: the actions (insert, update, upsert, delete, hash, extract, convert), in order.
  std::vector<pdata::AttributeActionConfig> attributes;

  void Decode(config::MapDecoder& d) override {
    pdata::DecodeAttributeActions(d, "attributes", &attributes);
  }
  void Validate(config::MapDecoder& d) const override {
    if (attributes.empty()) d.Error("missing required field \"attributes\"");
  }
};

}  // namespace ocelot::processor::resource
