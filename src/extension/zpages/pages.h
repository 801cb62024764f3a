// The zpages themselves: plain HTML (inline style, no scripts, no external assets) rendered
// from the collector's description and its own telemetry. Pure functions, so tests can render
// a page without a server.
#pragma once

#include <chrono>
#include <string>

#include "component/component.h"
#include "telemetry/metrics.h"

namespace ocelot::extension::zpages {

struct PageContext {
  const component::CollectorDescription* description = nullptr;  // null: unknown
  telemetry::MetricsRegistry* metrics = nullptr;                 // null: no counters, no tracez
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

std::string ServicezPage(const PageContext& ctx);
std::string PipelinezPage(const PageContext& ctx);
std::string ExtensionzPage(const PageContext& ctx);
std::string FeaturezPage(const PageContext& ctx);
// `query` is the request's query string: zspanname, ztype (1: latency, 2: errors),
// zlatencybucket select the samples listed under the summary.
std::string TracezPage(const PageContext& ctx, const std::string& query);
std::string NotFoundPage(const std::string& path);

std::string HtmlEscape(const std::string& s);
std::string UrlEncode(const std::string& s);
std::string UrlDecode(const std::string& s);
// The value of `key` in a query string, percent-decoded ("" when absent).
std::string QueryParam(const std::string& query, const std::string& key);

}  // namespace ocelot::extension::zpages
