// The attribute-action engine otelcol's resource and attributes processors share (contrib's
// internal/coreinternal/attraction, 0.96): insert, update, upsert, delete, hash, extract, convert.
// Also the attribute helpers they need: YAML values as OTLP AnyValues, Go's Value.AsString.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "config/decoder.h"
#include "opentelemetry/proto/common/v1/common.pb.h"

namespace re2 {
class RE2;
}

namespace ocelot::pdata {

using AnyValue = opentelemetry::proto::common::v1::AnyValue;
using KeyValue = opentelemetry::proto::common::v1::KeyValue;
using Attributes = google::protobuf::RepeatedPtrField<KeyValue>;

// One configured action, as decoded (the Go ActionKeyValue).
struct AttributeActionConfig {
  std::string key;
  std::optional<AnyValue> value;  // unset when `value` is absent or null
  std::string pattern;
  std::string from_attribute;
  std::string from_context;
  std::string converted_type;
  std::string action;  // as written; matched case-insensitively, as Go does
};

// Decodes the list under `key` (resource's `attributes`, attributes' `actions`) strictly and
// checks each action, reporting problems at the offending key, e.g.
//   c.yaml:4: processors::resource::attributes[0]::action: unsupported action "upsrt" ...
void DecodeAttributeActions(config::MapDecoder& d, std::string_view key,
                            std::vector<AttributeActionConfig>* out);

// A configuration value as otelcol types it (YAML 1.2 via yaml.v3): quoted scalars are
// strings, plain ones may be bool, int or double, lists and maps become array and kvlist values.
// False for a null node (Go's nil: "no value"). An empty plain scalar is an empty string: that
// is what an unset ${env:VAR} expands to, and it is kept as "" rather than dropped.
bool YamlToAnyValue(const config::Node& node, AnyValue* out);

// Go's pcommon.Value.AsString: strings as is, numbers as Go formats them, bytes as base64,
// arrays and maps as JSON, an empty value as "".
std::string AnyValueAsString(const AnyValue& v);

// pcommon.Value.Equal: same type and same content.
bool AnyValueEquals(const AnyValue& a, const AnyValue& b);

// The first attribute named `key`, or nullptr (pcommon.Map.Get).
const KeyValue* FindAttribute(const Attributes& attrs, std::string_view key);
KeyValue* FindAttribute(Attributes* attrs, std::string_view key);

// Lowercase hex SHA-1 of `data` (what the hash action writes).
std::string Sha1Hex(std::string_view data);

// The compiled actions, applied in order to one attribute list. Immutable after Compile, so
// Apply may run on many threads at once.
class AttributeActions {
 public:
  // Compiles validated configs; an error names the action by index ("action 2: ...").
  static absl::StatusOr<AttributeActions> Compile(const std::vector<AttributeActionConfig>& specs);

  AttributeActions(AttributeActions&&) noexcept;
  AttributeActions& operator=(AttributeActions&&) noexcept;
  ~AttributeActions();

  // Applies every action to `attrs`. Values from `from_context` are never found: ocelot's
  // batches carry no client metadata, so those actions do nothing (as otelcol does when the
  // metadata key is absent).
  void Apply(Attributes* attrs) const;

  size_t size() const { return actions_.size(); }

 private:
  enum class Kind { kInsert, kUpdate, kUpsert, kDelete, kHash, kExtract, kConvert };
  enum class Target { kNone, kString, kInt, kDouble };
  struct Action {
    Kind kind = Kind::kInsert;
    std::string key;
    std::optional<AnyValue> value;
    std::string from_attribute;
    bool from_context = false;
    Target converted = Target::kNone;
    std::shared_ptr<const re2::RE2> regex;  // pattern (delete/hash) or extract rule
    std::vector<std::string> group_names;   // extract: attribute name per capture group
  };

  AttributeActions() = default;
  const AnyValue* Source(const Action& a, const Attributes& attrs) const;

  std::vector<Action> actions_;
};

}  // namespace ocelot::pdata
