// attributes processor options, as otelcol-contrib 0.96's attributesprocessor: the attribute
// actions plus include/exclude matching (filterconfig.MatchProperties). ocelot implements the
// match types strict and regexp and every property but log_severity_number and expressions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "component/factory.h"
#include "pdata/attribute_actions.h"

namespace ocelot::processor::attributes {

// Which spans, log records or metrics the actions apply to. Every property given must match;
// a list matches when any of its items does.
struct MatchProperties {
  struct Attribute {
    std::string key;
    std::optional<pdata::AnyValue> value;  // unset: the key only has to exist
  };
  struct Library {
    std::string name;
    std::optional<std::string> version;  // unset: any version
  };

  std::string match_type;  // "strict" or "regexp" (regexp: partial match, as Go's MatchString)
  std::vector<std::string> services;            // spans: the resource's service.name
  std::vector<std::string> span_names;          // spans
  std::vector<std::string> span_kinds;          // spans: SPAN_KIND_SERVER, ...
  std::vector<std::string> log_bodies;          // logs: string bodies only
  std::vector<std::string> log_severity_texts;  // logs
  std::vector<std::string> metric_names;        // metrics (the only property metrics use)
  std::vector<Attribute> attributes;            // the item's own attributes
  std::vector<Attribute> resources;             // the resource's attributes
  std::vector<Library> libraries;               // the instrumentation scope

  // Reads the properties and checks them (match type, patterns, keys) at their keys. Whether
  // they suit the pipeline's signal is checked when the processor is created (matcher.h).
  void Decode(config::MapDecoder& d);
};

struct Config final : component::Config {
  std::optional<MatchProperties> include;
  std::optional<MatchProperties> exclude;
  // Required: the actions, applied in order to each selected item's attributes.
  std::vector<pdata::AttributeActionConfig> actions;

  void Decode(config::MapDecoder& d) override {
    d.Object("include", [&](config::MapDecoder& m) { include.emplace().Decode(m); });
    d.Object("exclude", [&](config::MapDecoder& m) { exclude.emplace().Decode(m); });
    pdata::DecodeAttributeActions(d, "actions", &actions);
  }
  void Validate(config::MapDecoder& d) const override {
    if (actions.empty()) d.Error("missing required field \"actions\"");
  }
};

}  // namespace ocelot::processor::attributes
