// OTLP/JSON codec: a reflection-driven encoder that writes straight into the output string and
// a simdjson on-demand decoder; both use per-descriptor field tables built once per process.
#include "pdata/otlp_json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "pdata/json_primitives.h"
#include "pdata/otlp_json_typed.h"
#include "simdjson.h"

namespace ocelot::pdata {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// absl::StrCat would do, but this absl build's string_view is not std::string_view.
std::string Concat(std::initializer_list<std::string_view> parts) {
  size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  std::string out;
  out.reserve(size);
  for (std::string_view part : parts) out.append(part);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-descriptor field tables.

// What the codec does with a field; resolved once so the hot loops switch on one byte.
enum class Kind : uint8_t {
  kMessage,
  kString,
  kBytes,  // base64
  kHexId,  // trace_id / span_id / parent_span_id: lowercase hex
  kBool,
  kEnum,
  kInt32,
  kUInt32,
  kInt64,   // written as a decimal string
  kUInt64,  // written as a decimal string
  kDouble,
  kFloat,
};

struct MessageInfo;

struct FieldInfo {
  const FieldDescriptor* field = nullptr;
  Kind kind = Kind::kString;
  bool repeated = false;
  // Oneof members and proto3 `optional` fields: written iff set, even with a default value.
  bool explicit_presence = false;
  // otelcol (gogo, non-nullable) always writes these: non-oneof sub-messages and the ids.
  bool always_write = false;
  // Set for members of a real oneof; the encoder asks once per oneof which member is set.
  const google::protobuf::OneofDescriptor* oneof = nullptr;
  // Decoded length of a kHexId field: 16 for trace ids, 8 for span ids.
  uint8_t id_size = 0;
  // `,"jsonName":`, pre-rendered so the encoder emits separator and key with one append
  // (skipping the comma for the first key).
  std::string key_prefix;
  const MessageInfo* message = nullptr;  // kMessage only
};

struct MessageInfo {
  std::vector<FieldInfo> fields;  // declaration order, which is the JSON key order
  // Reflection of the generated class, or null for descriptors outside the generated pool.
  // Message::GetReflection() goes through a call_once on every call, which showed up at ~10%
  // of encode time; every message below a generated root is generated, so the codec looks
  // the reflection up once per call and uses this pointer for the rest of the tree.
  const Reflection* generated_reflection = nullptr;
  // Decoder lookup: json_name and proto name (when different) -> field. OTLP messages have at
  // most ~15 fields, so a linear scan comparing lengths first beats hashing.
  std::vector<std::pair<std::string_view, const FieldInfo*>> by_name;

  const FieldInfo* Find(std::string_view key) const {
    for (const auto& [name, info] : by_name) {
      if (name == key) return info;
    }
    return nullptr;
  }
};

Kind KindOf(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return Kind::kMessage;
    case FieldDescriptor::CPPTYPE_STRING: {
      // Our .proto files declare OTLP's string fields as bytes (proto/README.md: the same wire
      // format, without protobuf C++'s UTF-8 check, which otelcol does not make). So the JSON
      // kind comes from the name: ids are hex, AnyValue.bytes_value is base64, the rest text.
      const std::string& name = f->name();
      if (name == "trace_id" || name == "span_id" || name == "parent_span_id") {
        return f->type() == FieldDescriptor::TYPE_BYTES ? Kind::kHexId : Kind::kString;
      }
      if (f->type() == FieldDescriptor::TYPE_BYTES && name == "bytes_value") return Kind::kBytes;
      return Kind::kString;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return Kind::kBool;
    case FieldDescriptor::CPPTYPE_ENUM:
      return Kind::kEnum;
    case FieldDescriptor::CPPTYPE_INT32:
      return Kind::kInt32;
    case FieldDescriptor::CPPTYPE_UINT32:
      return Kind::kUInt32;
    case FieldDescriptor::CPPTYPE_INT64:
      return Kind::kInt64;
    case FieldDescriptor::CPPTYPE_UINT64:
      return Kind::kUInt64;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return Kind::kDouble;
    case FieldDescriptor::CPPTYPE_FLOAT:
      return Kind::kFloat;
  }
  return Kind::kString;
}

// Process-wide cache of MessageInfo, built on first use of a descriptor (and everything it
// reaches). Entries are never freed: the generated descriptors live as long as the process.
class InfoRegistry {
 public:
  const MessageInfo* Get(const Descriptor* descriptor) {
    // A few thread-local slots avoid the mutex on the hot path: callers alternate between a
    // handful of root types (traces, metrics, logs requests).
    struct Slot {
      const Descriptor* descriptor = nullptr;
      const MessageInfo* info = nullptr;
    };
    thread_local std::array<Slot, 8> slots;
    thread_local size_t next_slot = 0;
    for (const Slot& slot : slots) {
      if (slot.descriptor == descriptor) return slot.info;
    }
    const MessageInfo* info;
    {
      std::lock_guard<std::mutex> lock(mu_);
      info = BuildLocked(descriptor);
    }
    slots[next_slot] = {descriptor, info};
    next_slot = (next_slot + 1) % slots.size();
    return info;
  }

 private:
  // Recursion is cycle-safe (AnyValue -> ArrayValue -> AnyValue) because the entry is inserted
  // before its fields are filled; the lock is held for the whole closure, so other threads
  // only ever see complete tables.
  MessageInfo* BuildLocked(const Descriptor* descriptor) {
    auto [it, inserted] = infos_.try_emplace(descriptor);
    if (!inserted) return it->second.get();
    it->second = std::make_unique<MessageInfo>();
    MessageInfo* info = it->second.get();
    if (descriptor->file()->pool() == google::protobuf::DescriptorPool::generated_pool()) {
      const Message* prototype =
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
      if (prototype != nullptr) info->generated_reflection = prototype->GetReflection();
    }

    info->fields.reserve(descriptor->field_count());
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* f = descriptor->field(i);
      FieldInfo fi;
      fi.field = f;
      fi.kind = KindOf(f);
      fi.repeated = f->is_repeated();
      fi.oneof = f->real_containing_oneof();
      const bool in_oneof = fi.oneof != nullptr;
      if (!fi.repeated) {
        if (fi.kind == Kind::kMessage) {
          fi.explicit_presence = in_oneof;
          fi.always_write = !in_oneof;
        } else if (fi.kind == Kind::kHexId && !in_oneof && !f->has_optional_keyword()) {
          fi.always_write = true;
        } else {
          fi.explicit_presence = f->has_presence();
        }
      }
      if (fi.kind == Kind::kHexId) fi.id_size = f->name() == "trace_id" ? 16 : 8;
      fi.key_prefix = Concat({",\"", f->json_name(), "\":"});
      if (fi.kind == Kind::kMessage) fi.message = BuildLocked(f->message_type());
      info->fields.push_back(std::move(fi));
    }
    // Filled only now: the pointers into `fields` must not move afterwards.
    for (const FieldInfo& fi : info->fields) {
      info->by_name.emplace_back(fi.field->json_name(), &fi);
    }
    for (const FieldInfo& fi : info->fields) {
      if (fi.field->name() != fi.field->json_name()) {
        info->by_name.emplace_back(fi.field->name(), &fi);
      }
    }
    return info;
  }

  std::mutex mu_;
  std::unordered_map<const Descriptor*, std::unique_ptr<MessageInfo>> infos_;
};

InfoRegistry& Registry() {
  static InfoRegistry* registry = new InfoRegistry();
  return *registry;
}

// ---------------------------------------------------------------------------------------------
// Encoder.

using json::AppendBase64;
using json::AppendFloat;
using json::AppendHexId;
using json::AppendInt;
using json::AppendJsonString;
using json::AppendQuotedInt;

class Encoder {
 public:
  Encoder(std::string* out, bool generated) : out_(out), generated_(generated) {}

  void WriteMessage(const Message& msg, const MessageInfo& info) {
    const Reflection* r = generated_ ? info.generated_reflection : msg.GetReflection();
    out_->push_back('{');
    bool first = true;
    // The member set in the oneof currently being walked (oneof members are contiguous).
    const google::protobuf::OneofDescriptor* oneof = nullptr;
    const FieldDescriptor* oneof_field = nullptr;
    for (const FieldInfo& f : info.fields) {
      if (f.repeated) {
        const int n = r->FieldSize(msg, f.field);
        if (n == 0) continue;
        AppendKey(f, &first);
        out_->push_back('[');
        for (int i = 0; i < n; ++i) {
          if (i > 0) out_->push_back(',');
          WriteRepeatedElement(msg, r, f, i);
        }
        out_->push_back(']');
        continue;
      }
      if (f.oneof != nullptr) {
        if (f.oneof != oneof) {
          oneof = f.oneof;
          oneof_field = r->GetOneofFieldDescriptor(msg, oneof);
        }
        if (f.field != oneof_field) continue;
      } else if (!f.always_write && !IsSet(msg, r, f)) {
        continue;
      }
      AppendKey(f, &first);
      WriteSingular(msg, r, f);
    }
    out_->push_back('}');
  }

 private:
  void AppendKey(const FieldInfo& f, bool* first) {
    if (*first) {
      out_->append(f.key_prefix, 1);
      *first = false;
    } else {
      out_->append(f.key_prefix);
    }
  }

  static bool IsSet(const Message& msg, const Reflection* r, const FieldInfo& f) {
    if (f.explicit_presence) return r->HasField(msg, f.field);
    // HasField on implicit-presence floats tests the bit pattern, so -0.0 would count as set;
    // Go compares with == 0 and omits it.
    if (f.kind == Kind::kDouble) return r->GetDouble(msg, f.field) != 0;
    if (f.kind == Kind::kFloat) return r->GetFloat(msg, f.field) != 0;
    return r->HasField(msg, f.field);
  }

  void WriteSingular(const Message& msg, const Reflection* r, const FieldInfo& f) {
    const FieldDescriptor* fd = f.field;
    switch (f.kind) {
      case Kind::kMessage:
        // An unset field yields the default instance, which encodes as otelcol's zero struct.
        WriteMessage(r->GetMessage(msg, fd), *f.message);
        return;
      case Kind::kString:
        AppendJsonString(r->GetStringReference(msg, fd, &scratch_), out_);
        return;
      case Kind::kBytes:
        AppendBase64(r->GetStringReference(msg, fd, &scratch_), out_);
        return;
      case Kind::kHexId:
        AppendHexId(r->GetStringReference(msg, fd, &scratch_), out_);
        return;
      case Kind::kBool:
        out_->append(r->GetBool(msg, fd) ? "true" : "false");
        return;
      case Kind::kEnum:
        AppendInt(r->GetEnumValue(msg, fd), out_);
        return;
      case Kind::kInt32:
        AppendInt(r->GetInt32(msg, fd), out_);
        return;
      case Kind::kUInt32:
        AppendInt(r->GetUInt32(msg, fd), out_);
        return;
      case Kind::kInt64:
        AppendQuotedInt(r->GetInt64(msg, fd), out_);
        return;
      case Kind::kUInt64:
        AppendQuotedInt(r->GetUInt64(msg, fd), out_);
        return;
      case Kind::kDouble:
        AppendFloat(r->GetDouble(msg, fd), out_);
        return;
      case Kind::kFloat:
        AppendFloat(r->GetFloat(msg, fd), out_);
        return;
    }
  }

  void WriteRepeatedElement(const Message& msg, const Reflection* r, const FieldInfo& f, int i) {
    const FieldDescriptor* fd = f.field;
    switch (f.kind) {
      case Kind::kMessage:
        WriteMessage(r->GetRepeatedMessage(msg, fd, i), *f.message);
        return;
      case Kind::kString:
        AppendJsonString(r->GetRepeatedStringReference(msg, fd, i, &scratch_), out_);
        return;
      case Kind::kBytes:
        AppendBase64(r->GetRepeatedStringReference(msg, fd, i, &scratch_), out_);
        return;
      case Kind::kHexId:
        AppendHexId(r->GetRepeatedStringReference(msg, fd, i, &scratch_), out_);
        return;
      case Kind::kBool:
        out_->append(r->GetRepeatedBool(msg, fd, i) ? "true" : "false");
        return;
      case Kind::kEnum:
        AppendInt(r->GetRepeatedEnumValue(msg, fd, i), out_);
        return;
      case Kind::kInt32:
        AppendInt(r->GetRepeatedInt32(msg, fd, i), out_);
        return;
      case Kind::kUInt32:
        AppendInt(r->GetRepeatedUInt32(msg, fd, i), out_);
        return;
      case Kind::kInt64:
        AppendQuotedInt(r->GetRepeatedInt64(msg, fd, i), out_);
        return;
      case Kind::kUInt64:
        AppendQuotedInt(r->GetRepeatedUInt64(msg, fd, i), out_);
        return;
      case Kind::kDouble:
        AppendFloat(r->GetRepeatedDouble(msg, fd, i), out_);
        return;
      case Kind::kFloat:
        AppendFloat(r->GetRepeatedFloat(msg, fd, i), out_);
        return;
    }
  }

  std::string* out_;
  const bool generated_;  // the root is a generated message: use cached reflections
  std::string scratch_;   // only used by reflection for non-generated string storage
};

// ---------------------------------------------------------------------------------------------
// Decoder.

namespace od = simdjson::ondemand;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // standard and URL-safe alphabets
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Decodes standard or URL-safe base64, padded or not, into *out.
bool DecodeBase64(std::string_view in, std::string* out) {
  size_t n = in.size();
  size_t padding = 0;
  while (n > 0 && in[n - 1] == '=' && padding < 2) {
    --n;
    ++padding;
  }
  if (n % 4 == 1 || (padding > 0 && in.size() % 4 != 0)) return false;
  out->clear();
  out->reserve(n / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    const int v = Base64Value(in[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

std::string_view JsonTypeName(od::json_type type) {
  switch (type) {
    case od::json_type::array:
      return "array";
    case od::json_type::object:
      return "object";
    case od::json_type::number:
      return "number";
    case od::json_type::string:
      return "string";
    case od::json_type::boolean:
      return "boolean";
    case od::json_type::null:
      return "null";
  }
  return "unknown";
}

// Parses all of s as a decimal integer; falls back to an integral floating-point spelling
// ("1e3", "5.0"), which protobuf's JSON mapping also accepts.
template <typename Int>
bool ParseIntString(std::string_view s, Int* out, bool* out_of_range) {
  *out_of_range = false;
  const char* end = s.data() + s.size();
  auto res = std::from_chars(s.data(), end, *out);
  if (res.ec == std::errc() && res.ptr == end) return true;
  if (res.ec == std::errc::result_out_of_range && res.ptr == end) {
    *out_of_range = true;
    return false;
  }
  double d;
  res = std::from_chars(s.data(), end, d);
  if (res.ec != std::errc() || res.ptr != end || s.empty() || !std::isfinite(d) ||
      std::trunc(d) != d) {
    return false;
  }
  // 2^63 and 2^64 are exact doubles; compare against them instead of the (rounded) limits.
  const double lo = std::is_signed_v<Int> ? double(std::numeric_limits<Int>::min()) : 0.0;
  const double hi = double(std::numeric_limits<Int>::max()) + 1.0;
  if (d < lo || d >= hi) {
    *out_of_range = true;
    return false;
  }
  *out = static_cast<Int>(d);
  return true;
}

// Whether token (up to trailing whitespace) follows JSON's number grammar.
bool IsJsonNumber(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  size_t i = 0;
  const size_t n = token.size();
  auto digits = [&]() {
    const size_t start = i;
    while (i < n && token[i] >= '0' && token[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && token[i] == '-') ++i;
  if (i < n && token[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < n && token[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

// One step of the JSON path, kept on the C++ stack as a parent-linked chain so tracking the
// path costs two pointer stores per value; it is only rendered when an error occurs.
struct PathFrame {
  const PathFrame* parent;
  std::string_view key;  // valid for the lifetime of the simdjson document
  int64_t index;         // >= 0 for an array element, -1 for an object key
};

// Per-thread parsing state, reused so a steady-state parse allocates only for the message.
struct DecoderState {
  od::parser parser;
  std::string padded;  // input copy with the SIMDJSON_PADDING bytes simdjson may over-read
};

class Decoder {
 public:
  explicit Decoder(DecoderState* state) : state_(state) {}

  absl::Status Run(std::string_view json, Message* msg) {
    std::string& buf = state_->padded;
    if (buf.size() < json.size() + simdjson::SIMDJSON_PADDING) {
      buf.resize(json.size() + simdjson::SIMDJSON_PADDING);
    }
    if (!json.empty()) std::memcpy(buf.data(), json.data(), json.size());

    od::document doc;
    od::object root;
    bool ok = true;
    if (auto err = state_->parser.iterate(buf.data(), json.size(), buf.size()).get(doc)) {
      ok = Malformed(err);
    } else if (auto type_result = doc.type(); type_result.error()) {
      ok = Malformed(type_result.error());
    } else if (type_result.value_unsafe() != od::json_type::object) {
      ok = Fail(Concat({"expected a JSON object at the top level, got ",
                        JsonTypeName(type_result.value_unsafe())}));
    } else if (auto err = doc.get_object().get(root)) {
      ok = Malformed(err);
    } else {
      const MessageInfo* info = Registry().Get(msg->GetDescriptor());
      generated_ = msg->GetReflection() == info->generated_reflection;
      ok = ParseFields(root, info, msg);
      // simdjson 3.0 has no document::at_end(); OUT_OF_BOUNDS from current_location() is it.
      if (ok && doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
        ok = Fail("malformed JSON: unexpected content after the top-level object");
      }
    }
    if (ok) return absl::OkStatus();
    msg->Clear();
    return absl::InvalidArgumentError(error_);
  }

 private:
  // Records the error for the current path; returns false so callers can `return Fail(...)`.
  bool Fail(std::string_view message) {
    std::vector<const PathFrame*> frames;
    for (const PathFrame* frame = path_; frame != nullptr; frame = frame->parent) {
      frames.push_back(frame);
    }
    error_.clear();
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      const PathFrame& e = **it;
      if (e.index >= 0) {
        error_.push_back('[');
        error_.append(std::to_string(e.index));
        error_.push_back(']');
      } else {
        if (!error_.empty()) error_.push_back('.');
        error_.append(e.key);
      }
    }
    if (!error_.empty()) error_.append(": ");
    error_.append(message);
    return false;
  }

  bool Malformed(simdjson::error_code err) {
    // Callers check the JSON type first, so a type error from simdjson here means a token that
    // looked like the type but is not valid JSON (`tru`, `nul`).
    if (err == simdjson::INCORRECT_TYPE) return Fail("malformed JSON: invalid literal");
    return Fail(Concat({"malformed JSON: ", simdjson::error_message(err)}));
  }

  // simdjson reports a well-formed number that does not fit (an integer above 2^64, 1e400) the
  // same way as a malformed one; tell them apart so the message points at the real problem.
  bool NumberError(od::value& value, simdjson::error_code err, std::string_view out_of_range) {
    if (err == simdjson::NUMBER_ERROR && IsJsonNumber(value.raw_json_token())) {
      return Fail(out_of_range);
    }
    return Malformed(err);
  }

  bool TypeError(std::string_view expected, od::json_type got) {
    return Fail(Concat({"expected ", expected, ", got ", JsonTypeName(got)}));
  }

  bool ParseFields(od::object& object, const MessageInfo* info, Message* msg) {
    const Reflection* r = generated_ ? info->generated_reflection : msg->GetReflection();
    for (auto field_result : object) {
      od::field field;
      if (auto err = std::move(field_result).get(field)) return Malformed(err);
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) return Malformed(err);
      const FieldInfo* f = info->Find(key);
      PathFrame frame{path_, key, -1};
      path_ = &frame;
      // Unknown keys must be ignored (OTLP spec), but their values must still be valid JSON.
      if (!(f == nullptr ? SkipValue(field.value()) : ParseField(field.value(), *f, r, msg))) {
        return false;
      }
      path_ = frame.parent;
    }
    return true;
  }

  bool ParseField(od::value value, const FieldInfo& f, const Reflection* r, Message* msg) {
    od::json_type type;
    if (auto err = value.type().get(type)) return Malformed(err);
    if (type == od::json_type::null) return ConsumeNull(value);
    if (!f.repeated) return ParseValue(value, type, f, r, msg, /*add=*/false);
    if (type != od::json_type::array) return TypeError("array", type);
    od::array array;
    if (auto err = value.get_array().get(array)) return Malformed(err);
    int64_t index = 0;
    for (auto element_result : array) {
      od::value element;
      if (auto err = std::move(element_result).get(element)) return Malformed(err);
      PathFrame frame{path_, {}, index++};
      path_ = &frame;
      od::json_type element_type;
      if (auto err = element.type().get(element_type)) return Malformed(err);
      if (!ParseValue(element, element_type, f, r, msg, /*add=*/true)) return false;
      path_ = frame.parent;
    }
    return true;
  }

  // Reads and discards a value. On-demand would skip it by counting brackets without looking
  // inside, so malformed JSON under an unknown key would go unnoticed.
  bool SkipValue(od::value value) {
    od::json_type type;
    if (auto err = value.type().get(type)) return Malformed(err);
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (auto err = value.get_object().get(object)) return Malformed(err);
        for (auto field_result : object) {
          od::field field;
          if (auto err = std::move(field_result).get(field)) return Malformed(err);
          std::string_view key;
          if (auto err = field.unescaped_key().get(key)) return Malformed(err);
          PathFrame frame{path_, key, -1};
          path_ = &frame;
          if (!SkipValue(field.value())) return false;
          path_ = frame.parent;
        }
        return true;
      }
      case od::json_type::array: {
        od::array array;
        if (auto err = value.get_array().get(array)) return Malformed(err);
        int64_t index = 0;
        for (auto element_result : array) {
          od::value element;
          if (auto err = std::move(element_result).get(element)) return Malformed(err);
          PathFrame frame{path_, {}, index++};
          path_ = &frame;
          if (!SkipValue(element)) return false;
          path_ = frame.parent;
        }
        return true;
      }
      case od::json_type::string: {
        std::string_view s;
        if (auto err = value.get_string().get(s)) return Malformed(err);
        return true;
      }
      case od::json_type::number: {
        od::number number;
        auto err = value.get_number().get(number);
        // Out-of-range numbers are still valid JSON; only their value is unusable.
        if (err && !(err == simdjson::NUMBER_ERROR && IsJsonNumber(value.raw_json_token()))) {
          return Malformed(err);
        }
        return true;
      }
      case od::json_type::boolean: {
        bool b = false;
        if (auto err = value.get_bool().get(b)) return Malformed(err);
        return true;
      }
      case od::json_type::null:
        return ConsumeNull(value);
    }
    return true;
  }

  // null means "unset"; still validate the literal, since on-demand only peeked at it.
  bool ConsumeNull(od::value& value) {
    bool is_null = false;
    if (auto err = value.is_null().get(is_null)) return Malformed(err);
    if (!is_null) return Malformed(simdjson::INCORRECT_TYPE);
    return true;
  }

  // Parses one (non-array) JSON value into field f: sets it, or appends to it if `add`.
  bool ParseValue(od::value& value, od::json_type type, const FieldInfo& f, const Reflection* r,
                  Message* msg, bool add) {
    const FieldDescriptor* fd = f.field;
    switch (f.kind) {
      case Kind::kMessage: {
        if (type != od::json_type::object) return TypeError("object", type);
        od::object object;
        if (auto err = value.get_object().get(object)) return Malformed(err);
        Message* sub = add ? r->AddMessage(msg, fd) : r->MutableMessage(msg, fd);
        return ParseFields(object, f.message, sub);
      }
      case Kind::kString: {
        std::string_view s;
        if (!ReadString(value, type, "string", &s)) return false;
        StoreString(r, msg, fd, add, std::string(s));
        return true;
      }
      case Kind::kBytes: {
        std::string_view s;
        if (!ReadString(value, type, "base64 string", &s)) return false;
        std::string bytes;
        if (!DecodeBase64(s, &bytes)) return Fail("invalid base64");
        StoreString(r, msg, fd, add, std::move(bytes));
        return true;
      }
      case Kind::kHexId: {
        std::string_view s;
        if (!ReadString(value, type, "hex string", &s)) return false;
        std::string bytes;
        if (!DecodeHexId(s, f.id_size, &bytes)) {
          return Fail(f.id_size == 16 ? "expected 32 hex digits" : "expected 16 hex digits");
        }
        StoreString(r, msg, fd, add, std::move(bytes));
        return true;
      }
      case Kind::kBool: {
        if (type != od::json_type::boolean) return TypeError("boolean", type);
        bool b = false;
        if (auto err = value.get_bool().get(b)) return Malformed(err);
        add ? r->AddBool(msg, fd, b) : r->SetBool(msg, fd, b);
        return true;
      }
      case Kind::kEnum: {
        int32_t v = 0;
        if (type == od::json_type::string) {
          std::string_view name;
          if (auto err = value.get_string().get(name)) return Malformed(err);
          const EnumValueDescriptor* ev = fd->enum_type()->FindValueByName(std::string(name));
          if (ev == nullptr) {
            return Fail(
                Concat({"unknown value \"", name, "\" for enum ", fd->enum_type()->full_name()}));
          }
          v = ev->number();
        } else if (type == od::json_type::number) {
          if (!ReadInteger(value, type, &v)) return false;
        } else {
          return TypeError("integer or enum value name", type);
        }
        add ? r->AddEnumValue(msg, fd, v) : r->SetEnumValue(msg, fd, v);
        return true;
      }
      case Kind::kInt32: {
        int32_t v = 0;
        if (!ReadInteger(value, type, &v)) return false;
        add ? r->AddInt32(msg, fd, v) : r->SetInt32(msg, fd, v);
        return true;
      }
      case Kind::kUInt32: {
        uint32_t v = 0;
        if (!ReadInteger(value, type, &v)) return false;
        add ? r->AddUInt32(msg, fd, v) : r->SetUInt32(msg, fd, v);
        return true;
      }
      case Kind::kInt64: {
        int64_t v = 0;
        if (!ReadInteger(value, type, &v)) return false;
        add ? r->AddInt64(msg, fd, v) : r->SetInt64(msg, fd, v);
        return true;
      }
      case Kind::kUInt64: {
        uint64_t v = 0;
        if (!ReadInteger(value, type, &v)) return false;
        add ? r->AddUInt64(msg, fd, v) : r->SetUInt64(msg, fd, v);
        return true;
      }
      case Kind::kDouble: {
        double v = 0;
        if (!ReadDouble(value, type, &v)) return false;
        add ? r->AddDouble(msg, fd, v) : r->SetDouble(msg, fd, v);
        return true;
      }
      case Kind::kFloat: {
        double v = 0;
        if (!ReadDouble(value, type, &v)) return false;
        const float f32 = static_cast<float>(v);
        if (std::isfinite(v) && !std::isfinite(f32)) return Fail("number out of range for float");
        add ? r->AddFloat(msg, fd, f32) : r->SetFloat(msg, fd, f32);
        return true;
      }
    }
    return true;
  }

  static void StoreString(const Reflection* r, Message* msg, const FieldDescriptor* fd, bool add,
                          std::string s) {
    if (add) {
      r->AddString(msg, fd, std::move(s));
    } else {
      r->SetString(msg, fd, std::move(s));
    }
  }

  bool ReadString(od::value& value, od::json_type type, std::string_view expected,
                  std::string_view* out) {
    if (type != od::json_type::string) return TypeError(expected, type);
    if (auto err = value.get_string().get(*out)) return Malformed(err);
    return true;
  }

  static bool DecodeHexId(std::string_view s, size_t size, std::string* out) {
    if (s.empty()) {  // "" is how otelcol writes an unset id
      out->clear();
      return true;
    }
    if (s.size() != size * 2) return false;
    out->resize(size);
    for (size_t i = 0; i < size; ++i) {
      const int hi = HexValue(s[2 * i]);
      const int lo = HexValue(s[2 * i + 1]);
      if (hi < 0 || lo < 0) return false;
      (*out)[i] = static_cast<char>((hi << 4) | lo);
    }
    return true;
  }

  // Reads a JSON number or a decimal string into an integer of type Int, range-checked.
  template <typename Int>
  bool ReadInteger(od::value& value, od::json_type type, Int* out) {
    constexpr bool kSigned = std::is_signed_v<Int>;
    if (type == od::json_type::string) {
      std::string_view s;
      if (auto err = value.get_string().get(s)) return Malformed(err);
      bool out_of_range;
      if (ParseIntString(s, out, &out_of_range)) return true;
      if (out_of_range) return Fail("integer out of range");
      return Fail(Concat({"expected an integer, got \"", s.substr(0, 64), "\""}));
    }
    if (type != od::json_type::number) return TypeError("integer", type);
    od::number number;
    if (auto err = value.get_number().get(number))
      return NumberError(value, err, "integer out of range");
    switch (number.get_number_type()) {
      case od::number_type::signed_integer: {
        const int64_t v = number.get_int64();
        if constexpr (kSigned) {
          if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) {
            return Fail("integer out of range");
          }
        } else {
          if (v < 0 || static_cast<uint64_t>(v) > std::numeric_limits<Int>::max()) {
            return Fail("integer out of range");
          }
        }
        *out = static_cast<Int>(v);
        return true;
      }
      case od::number_type::unsigned_integer: {
        const uint64_t v = number.get_uint64();
        if (v > static_cast<uint64_t>(std::numeric_limits<Int>::max())) {
          return Fail("integer out of range");
        }
        *out = static_cast<Int>(v);
        return true;
      }
      case od::number_type::floating_point_number: {
        const double d = number.get_double();
        if (std::trunc(d) != d) return Fail("expected an integer, got a fractional number");
        const double lo = kSigned ? double(std::numeric_limits<Int>::min()) : 0.0;
        const double hi = double(std::numeric_limits<Int>::max()) + 1.0;
        if (d < lo || d >= hi) return Fail("integer out of range");
        *out = static_cast<Int>(d);
        return true;
      }
    }
    return Fail("expected an integer");
  }

  bool ReadDouble(od::value& value, od::json_type type, double* out) {
    if (type == od::json_type::number) {
      if (auto err = value.get_double().get(*out))
        return NumberError(value, err, "number out of range");
      return true;
    }
    if (type != od::json_type::string) return TypeError("number", type);
    std::string_view s;
    if (auto err = value.get_string().get(s)) return Malformed(err);
    if (s == "NaN") {
      *out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    if (s == "Infinity") {
      *out = std::numeric_limits<double>::infinity();
      return true;
    }
    if (s == "-Infinity") {
      *out = -std::numeric_limits<double>::infinity();
      return true;
    }
    const char* end = s.data() + s.size();
    const auto res = std::from_chars(s.data(), end, *out);
    if (s.empty() || res.ec != std::errc() || res.ptr != end) {
      return Fail(Concat({"expected a number, got \"", s.substr(0, 64), "\""}));
    }
    return true;
  }

  DecoderState* state_;
  const PathFrame* path_ = nullptr;  // innermost frame of the value being parsed
  bool generated_ = false;           // the root is a generated message: use cached reflections
  std::string error_;
};

}  // namespace

void AppendOtlpJson(const google::protobuf::Message& msg, std::string* out) {
  if (const auto* traces = dynamic_cast<const TracesRequest*>(&msg)) {
    AppendTracesJson(*traces, out);
    return;
  }
  if (const auto* logs = dynamic_cast<const LogsRequest*>(&msg)) {
    AppendLogsJson(*logs, out);
    return;
  }
  AppendOtlpJsonByReflection(msg, out);
}

void AppendOtlpJsonByReflection(const google::protobuf::Message& msg, std::string* out) {
  const MessageInfo& info = *Registry().Get(msg.GetDescriptor());
  Encoder encoder(out, msg.GetReflection() == info.generated_reflection);
  encoder.WriteMessage(msg, info);
}

absl::Status ParseOtlpJson(std::string_view json, google::protobuf::Message* msg) {
  // The per-thread buffers keep their high-water mark; an occasional huge document gets
  // throwaway ones instead so it does not pin that much memory in every thread.
  constexpr size_t kMaxRetainedInput = size_t{16} << 20;
  msg->Clear();
  if (json.size() > kMaxRetainedInput) {
    DecoderState state;
    return Decoder(&state).Run(json, msg);
  }
  thread_local DecoderState state;
  return Decoder(&state).Run(json, msg);
}

}  // namespace ocelot::pdata
