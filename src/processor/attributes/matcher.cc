#include "processor/attributes/matcher.h"

#include <charconv>

namespace ocelot::processor::attributes {
namespace {

const char* const kSpanKinds[] = {"SPAN_KIND_INTERNAL", "SPAN_KIND_CLIENT", "SPAN_KIND_SERVER",
                                  "SPAN_KIND_CONSUMER", "SPAN_KIND_PRODUCER"};

const char* TypeName(const pdata::AnyValue& v) {
  switch (v.value_case()) {
    case pdata::AnyValue::kStringValue:
      return "Str";
    case pdata::AnyValue::kBoolValue:
      return "Bool";
    case pdata::AnyValue::kIntValue:
      return "Int";
    case pdata::AnyValue::kDoubleValue:
      return "Double";
    case pdata::AnyValue::kBytesValue:
      return "Bytes";
    case pdata::AnyValue::kArrayValue:
      return "Slice";
    case pdata::AnyValue::kKvlistValue:
      return "Map";
    case pdata::AnyValue::VALUE_NOT_SET:
      return "Empty";
  }
  return "Empty";
}

// filtermatcher's attributeStringValue: what a regexp attribute matcher sees.
std::optional<std::string> AttributeString(const pdata::AnyValue& v) {
  switch (v.value_case()) {
    case pdata::AnyValue::kStringValue:
      return v.string_value();
    case pdata::AnyValue::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case pdata::AnyValue::kIntValue:
      return std::to_string(v.int_value());
    case pdata::AnyValue::kDoubleValue: {  // strconv.FormatFloat(f, 'f', -1, 64)
      char buf[400];
      auto r = std::to_chars(buf, buf + sizeof(buf), v.double_value(), std::chars_format::fixed);
      return std::string(buf, r.ptr);
    }
    default:
      return std::nullopt;
  }
}

std::unique_ptr<re2::RE2> Compile(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  return std::make_unique<re2::RE2>(pattern, options);
}

void DecodeAttributeList(config::MapDecoder& d, std::string_view key, bool regexp,
                         std::vector<MatchProperties::Attribute>* out) {
  const config::Node* list = d.Take(key);
  if (list == nullptr || list->is_null()) return;
  if (!list->is_sequence()) {
    d.Error(key, std::string("expected a list of {key, value}, got a ") + list->KindName());
    return;
  }
  for (size_t i = 0; i < list->items().size(); ++i) {
    config::MapDecoder a(list->items()[i], d.PathOf(key) + "[" + std::to_string(i) + "]",
                         d.diagnostics());
    MatchProperties::Attribute attr;
    a.Field("key", &attr.key);
    if (const config::Node* v = a.Take("value")) {
      pdata::AnyValue value;
      if (pdata::YamlToAnyValue(*v, &value)) attr.value = std::move(value);
    }
    a.Finish();
    if (attr.key.empty()) {
      a.Error("can't have empty key in the list of attributes");
    } else if (regexp && attr.value) {
      if (attr.value->value_case() != pdata::AnyValue::kStringValue) {
        a.Error("value", "match_type=regexp for \"" + attr.key +
                             "\" only supports Str, but found " + TypeName(*attr.value));
      } else if (auto re = Compile(attr.value->string_value()); !re->ok()) {
        a.Error("value", "invalid regexp \"" + attr.value->string_value() + "\": " + re->error());
      }
    }
    out->push_back(std::move(attr));
  }
}

void CheckPatterns(config::MapDecoder& d, std::string_view key,
                   const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    if (auto re = Compile(p); !re->ok()) {
      d.Error(key, "invalid regexp \"" + p + "\": " + re->error());
    }
  }
}

}  // namespace

void MatchProperties::Decode(config::MapDecoder& d) {
  d.Enum("match_type", &match_type, {"strict", "regexp"});
  d.Object("regexp", [](config::MapDecoder& r) {
    // Go's match cache: a speed-up only; RE2 needs none.
    bool enabled = false;
    int64_t entries = 0;
    r.Field("cacheenabled", &enabled);
    r.Field("cachemaxnumentries", &entries);
  });
  d.Field("services", &services);
  d.Field("span_names", &span_names);
  d.Field("span_kinds", &span_kinds);
  d.Field("log_bodies", &log_bodies);
  d.Field("log_severity_texts", &log_severity_texts);
  d.Field("metric_names", &metric_names);
  const bool regexp = match_type == "regexp";
  DecodeAttributeList(d, "attributes", regexp, &attributes);
  DecodeAttributeList(d, "resources", regexp, &resources);
  if (const config::Node* list = d.Take("libraries"); list && !list->is_null()) {
    if (!list->is_sequence()) {
      d.Error("libraries",
              std::string("expected a list of {name, version}, got a ") + list->KindName());
    } else {
      for (size_t i = 0; i < list->items().size(); ++i) {
        config::MapDecoder l(list->items()[i],
                             d.PathOf("libraries") + "[" + std::to_string(i) + "]",
                             d.diagnostics());
        Library lib;
        l.Field("name", &lib.name);
        l.Field("version", &lib.version);
        l.Finish();
        if (regexp) {
          CheckPatterns(l, "name", {lib.name});
          if (lib.version) CheckPatterns(l, "version", {*lib.version});
        }
        libraries.push_back(std::move(lib));
      }
    }
  }
  for (const char* unsupported : {"log_severity_number", "expressions"}) {
    if (d.Take(unsupported) != nullptr) {
      d.Error(unsupported, std::string(unsupported) + " is not supported by ocelot yet");
    }
  }

  if (d.Peek("match_type") == nullptr) {
    d.Error("match_type must be set: strict or regexp");
  }
  if (regexp) {
    CheckPatterns(d, "services", services);
    CheckPatterns(d, "span_names", span_names);
    CheckPatterns(d, "span_kinds", span_kinds);
    CheckPatterns(d, "log_bodies", log_bodies);
    CheckPatterns(d, "log_severity_texts", log_severity_texts);
    CheckPatterns(d, "metric_names", metric_names);
  } else {
    for (const std::string& kind : span_kinds) {
      if (std::find(std::begin(kSpanKinds), std::end(kSpanKinds), kind) == std::end(kSpanKinds)) {
        d.Error("span_kinds",
                "span_kinds string must match one of the standard span kinds when "
                "match_type=strict: [SPAN_KIND_CLIENT SPAN_KIND_CONSUMER SPAN_KIND_INTERNAL "
                "SPAN_KIND_PRODUCER SPAN_KIND_SERVER]");
        break;
      }
    }
  }
}

absl::StatusOr<StringFilter> StringFilter::Create(const std::vector<std::string>& items,
                                                  bool regexp) {
  StringFilter f;
  for (const std::string& item : items) {
    if (!regexp) {
      f.strict_.insert(item);
      continue;
    }
    std::shared_ptr<const re2::RE2> re = Compile(item);
    if (!re->ok())
      return absl::InvalidArgumentError("invalid regexp \"" + item + "\": " + re->error());
    f.regexes_.push_back(std::move(re));
  }
  return f;
}

bool StringFilter::Matches(std::string_view s) const {
  if (strict_.count(s)) return true;
  for (const auto& re : regexes_) {
    if (re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re)) return true;
  }
  return false;
}

absl::StatusOr<Matcher> Matcher::Create(const MatchProperties& p, pdata::Signal signal) {
  if (signal == pdata::Signal::kTraces) {
    if (!p.log_bodies.empty()) {
      return absl::InvalidArgumentError("log_bodies should not be specified for trace spans");
    }
    if (!p.log_severity_texts.empty()) {
      return absl::InvalidArgumentError(
          "log_severity_texts should not be specified for trace spans");
    }
    if (p.services.empty() && p.span_names.empty() && p.attributes.empty() && p.libraries.empty() &&
        p.resources.empty() && p.span_kinds.empty()) {
      return absl::InvalidArgumentError(
          "at least one of \"services\", \"span_names\", \"span_kinds\", \"attributes\", "
          "\"libraries\" or \"resources\" field must be specified");
    }
  }
  if (signal == pdata::Signal::kLogs) {
    if (!p.span_names.empty() || !p.services.empty() || !p.span_kinds.empty()) {
      return absl::InvalidArgumentError(
          "services, span_names, and span_kinds are not valid for log records");
    }
    if (p.attributes.empty() && p.libraries.empty() && p.resources.empty() &&
        p.log_bodies.empty() && p.log_severity_texts.empty()) {
      return absl::InvalidArgumentError(
          "at least one of \"attributes\", \"libraries\", \"resources\", \"log_bodies\" or "
          "\"log_severity_texts\" field must be specified");
    }
  }
  const bool regexp = p.match_type == "regexp";
  Matcher m;
  auto filter = [&](const std::vector<std::string>& items,
                    std::optional<StringFilter>* out) -> absl::Status {
    if (items.empty()) return absl::OkStatus();
    auto f = StringFilter::Create(items, regexp);
    if (!f.ok()) return f.status();
    *out = *std::move(f);
    return absl::OkStatus();
  };
  auto attrs = [&](const std::vector<MatchProperties::Attribute>& in,
                   std::vector<AttributeMatcher>* out) -> absl::Status {
    for (const auto& a : in) {
      AttributeMatcher am{a.key, std::nullopt, std::nullopt};
      if (a.value && regexp) {
        auto f = StringFilter::Create({a.value->string_value()}, true);
        if (!f.ok()) return f.status();
        am.filter = *std::move(f);
      } else if (a.value) {
        am.value = a.value;
      }
      out->push_back(std::move(am));
    }
    return absl::OkStatus();
  };
  if (signal == pdata::Signal::kMetrics) {
    // filtermetric (0.96) matches metrics by name only.
    if (auto s = filter(p.metric_names, &m.metric_names_); !s.ok()) return s;
    return m;
  }
  for (auto [items, out] :
       {std::pair{&p.services, &m.services_}, std::pair{&p.span_names, &m.span_names_},
        std::pair{&p.span_kinds, &m.span_kinds_}, std::pair{&p.log_bodies, &m.log_bodies_},
        std::pair{&p.log_severity_texts, &m.log_severity_texts_}}) {
    if (auto s = filter(*items, out); !s.ok()) return s;
  }
  for (const auto& lib : p.libraries) {
    auto name = StringFilter::Create({lib.name}, regexp);
    if (!name.ok()) return name.status();
    LibraryMatcher lm{*std::move(name), std::nullopt};
    if (lib.version) {
      auto version = StringFilter::Create({*lib.version}, regexp);
      if (!version.ok()) return version.status();
      lm.version = *std::move(version);
    }
    m.libraries_.push_back(std::move(lm));
  }
  if (auto s = attrs(p.attributes, &m.attributes_); !s.ok()) return s;
  if (!p.resources.empty()) {
    m.resources_.emplace();
    if (auto s = attrs(p.resources, &*m.resources_); !s.ok()) return s;
  }
  return m;
}

bool Matcher::MatchAttributes(const std::vector<AttributeMatcher>& matchers,
                              const pdata::Attributes& attrs) {
  if (matchers.empty()) return true;
  if (attrs.empty()) return false;
  for (const AttributeMatcher& m : matchers) {
    const pdata::KeyValue* kv = pdata::FindAttribute(attrs, m.key);
    if (kv == nullptr) return false;
    if (m.filter) {
      auto s = AttributeString(kv->value());
      if (!s || !m.filter->Matches(*s)) return false;
    } else if (m.value && !pdata::AnyValueEquals(*m.value, kv->value())) {
      return false;
    }
  }
  return true;
}

bool Matcher::MatchCommon(const pdata::Attributes& attrs, const Resource& resource,
                          const InstrumentationScope& scope) const {
  for (const LibraryMatcher& lib : libraries_) {
    if (!lib.name.Matches(scope.name())) return false;
    if (lib.version && !lib.version->Matches(scope.version())) return false;
  }
  if (resources_ && !MatchAttributes(*resources_, resource.attributes())) return false;
  return MatchAttributes(attributes_, attrs);
}

bool Matcher::Matches(const Span& span, const Resource& resource,
                      const InstrumentationScope& scope) const {
  if (services_) {
    const pdata::KeyValue* kv = pdata::FindAttribute(resource.attributes(), "service.name");
    if (!services_->Matches(kv ? pdata::AnyValueAsString(kv->value()) : "<nil-service-name>")) {
      return false;
    }
  }
  if (span_names_ && !span_names_->Matches(span.name())) return false;
  if (span_kinds_ && !span_kinds_->Matches(Span::SpanKind_Name(span.kind()))) return false;
  return MatchCommon(span.attributes(), resource, scope);
}

bool Matcher::Matches(const LogRecord& record, const Resource& resource,
                      const InstrumentationScope& scope) const {
  if (log_bodies_ && record.body().value_case() == pdata::AnyValue::kStringValue &&
      !log_bodies_->Matches(record.body().string_value())) {
    return false;
  }
  if (log_severity_texts_ && !log_severity_texts_->Matches(record.severity_text())) return false;
  return MatchCommon(record.attributes(), resource, scope);
}

bool Matcher::Matches(const Metric& metric) const {
  return !metric_names_ || metric_names_->Matches(metric.name());
}

absl::StatusOr<Selector> Selector::Create(const Config& config, pdata::Signal signal) {
  Selector s;
  for (auto [props, out] :
       {std::pair{&config.include, &s.include_}, std::pair{&config.exclude, &s.exclude_}}) {
    if (!props->has_value()) continue;
    // A metrics block without metric_names matches nothing in particular: Go drops it.
    if (signal == pdata::Signal::kMetrics && (*props)->metric_names.empty()) continue;
    auto m = Matcher::Create(**props, signal);
    if (!m.ok()) {
      return absl::Status(m.status().code(),
                          std::string(props == &config.include ? "include" : "exclude") + ": " +
                              std::string(m.status().message()));
    }
    *out = *std::move(m);
  }
  return s;
}

}  // namespace ocelot::processor::attributes
