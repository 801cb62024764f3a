// include/exclude matching for the attributes processor, as otelcol-contrib 0.96's filterspan,
// filterlog and filtermetric (name matching) with filterset's strict and regexp match types.
//
// Threads: a compiled Matcher is immutable; Matches may run on many threads at once.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pdata/batch.h"
#include "processor/attributes/config.h"

namespace ocelot::processor::attributes {

using opentelemetry::proto::common::v1::InstrumentationScope;
using opentelemetry::proto::logs::v1::LogRecord;
using opentelemetry::proto::metrics::v1::Metric;
using opentelemetry::proto::resource::v1::Resource;
using opentelemetry::proto::trace::v1::Span;

// filterset: a set of exact strings, or of regexes any of which may match anywhere.
class StringFilter {
 public:
  static absl::StatusOr<StringFilter> Create(const std::vector<std::string>& items, bool regexp);
  bool Matches(std::string_view s) const;

 private:
  std::set<std::string, std::less<>> strict_;
  std::vector<std::shared_ptr<const re2::RE2>> regexes_;
};

// One include or exclude block, compiled for one signal.
class Matcher {
 public:
  // Checks that the properties suit `signal` (Go's ValidateForSpans / ValidateForLogs) and
  // compiles them.
  static absl::StatusOr<Matcher> Create(const MatchProperties& p, pdata::Signal signal);

  bool Matches(const Span& span, const Resource& resource, const InstrumentationScope& scope) const;
  bool Matches(const LogRecord& record, const Resource& resource,
               const InstrumentationScope& scope) const;
  bool Matches(const Metric& metric) const;

 private:
  struct AttributeMatcher {
    std::string key;
    std::optional<pdata::AnyValue> value;  // strict: equal type and value
    std::optional<StringFilter> filter;    // regexp: on the value as a string
  };
  static bool MatchAttributes(const std::vector<AttributeMatcher>& matchers,
                              const pdata::Attributes& attrs);
  bool MatchCommon(const pdata::Attributes& attrs, const Resource& resource,
                   const InstrumentationScope& scope) const;

  std::optional<StringFilter> services_, span_names_, span_kinds_, log_bodies_, log_severity_texts_,
      metric_names_;
  struct LibraryMatcher {
    StringFilter name;
    std::optional<StringFilter> version;
  };
  std::vector<LibraryMatcher> libraries_;
  std::vector<AttributeMatcher> attributes_;
  std::optional<std::vector<AttributeMatcher>> resources_;
};

// Go's skip expression: skip an item that the include block does not match, or that the
// exclude block does.
class Selector {
 public:
  static absl::StatusOr<Selector> Create(const Config& config, pdata::Signal signal);

  template <typename... Args>
  bool Selected(const Args&... args) const {
    if (include_ && !include_->Matches(args...)) return false;
    if (exclude_ && exclude_->Matches(args...)) return false;
    return true;
  }
  bool selects_everything() const { return !include_ && !exclude_; }

 private:
  std::optional<Matcher> include_, exclude_;
};

}  // namespace ocelot::processor::attributes
