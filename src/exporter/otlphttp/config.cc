// The otlphttp exporter's option table.
#include "exporter/otlphttp/config.h"

namespace ocelot::exporter::otlphttp {

void Config::Decode(config::MapDecoder& d) {
  exporterhelper::DecodeRetry(d, &helper.retry);
  exporterhelper::DecodeQueue(d, &helper.queue);
  d.Field("endpoint", &endpoint);
  d.Field("traces_endpoint", &traces_endpoint);
  d.Field("metrics_endpoint", &metrics_endpoint);
  d.Field("logs_endpoint", &logs_endpoint);
  d.Enum("encoding", &encoding, {"proto", "json"});
  d.Field("compression", &compression);
  d.Field("timeout", &timeout);
  d.Field("headers", &headers);
  exporterhelper::DecodeClientTls(d, &tls);
  d.Field("proxy_url", &proxy_url);
  d.Field("disable_keep_alives", &disable_keep_alives);
  // Connection-pool tuning of Go's http.Transport: accepted, libcurl manages its own.
  int64_t ignored_int = 0;
  config::Duration ignored_duration{0};
  for (const char* key : {"read_buffer_size", "write_buffer_size", "max_idle_conns",
                          "max_idle_conns_per_host", "max_conns_per_host"}) {
    d.Field(key, &ignored_int);
  }
  for (const char* key : {"idle_conn_timeout", "http2_read_idle_timeout", "http2_ping_timeout"}) {
    d.Field(key, &ignored_duration);
  }
  const config::Node* auth = d.Take("auth");
  if (auth != nullptr && !auth->is_null()) {
    d.Error("auth", "\"auth\" is not supported by ocelot yet");
  }
}

void Config::Validate(config::MapDecoder& d) const {
  exporterhelper::ValidateRetry(d, helper.retry);
  exporterhelper::ValidateQueue(d, helper.queue);
  exporterhelper::ValidateClientTls(d, tls);
  if (endpoint.empty() && traces_endpoint.empty() && metrics_endpoint.empty() &&
      logs_endpoint.empty()) {
    d.Error("endpoint", "at least one endpoint must be specified");
  }
  for (const auto& [key, url] : {std::pair<const char*, const std::string*>{"endpoint", &endpoint},
                                 {"traces_endpoint", &traces_endpoint},
                                 {"metrics_endpoint", &metrics_endpoint},
                                 {"logs_endpoint", &logs_endpoint}}) {
    if (!url->empty() && url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
      d.Error(key, std::string(key) +
                       " must be a valid URL starting with http:// or https:// (got \"" + *url +
                       "\")");
    }
  }
  if (compression == "snappy") {
    d.Error("compression", "compression \"snappy\" is not available in ocelot; use gzip or zstd");
  } else if (!compression.empty() && compression != "none" && compression != "gzip" &&
             compression != "zlib" && compression != "deflate" && compression != "zstd") {
    d.Error("compression", "unsupported compression type \"" + compression + "\"");
  }
  if (timeout.count() < 0) d.Error("timeout", "timeout must not be negative");
  if (!tls.server_name_override.empty()) {
    d.Error("tls", "server_name_override is not available for otlphttp in ocelot");
  }
}

std::vector<std::string> Config::Summary() const {
  std::string line = "OTLP/HTTP (" + encoding + ") to " +
                     (endpoint.empty() ? UrlFor(pdata::Signal::kTraces) : endpoint);
  if (!headers.empty()) line += ", " + std::to_string(headers.size()) + " headers";
  return {line, exporterhelper::DescribeQueue(helper.queue)};
}

std::string Config::UrlFor(pdata::Signal signal) const {
  const std::string* override_url = signal == pdata::Signal::kTraces    ? &traces_endpoint
                                    : signal == pdata::Signal::kMetrics ? &metrics_endpoint
                                                                        : &logs_endpoint;
  if (!override_url->empty()) return *override_url;
  if (endpoint.empty()) return "";
  std::string url = endpoint;
  if (url.back() != '/') url.push_back('/');
  return url + "v1/" + pdata::SignalName(signal);
}

}  // namespace ocelot::exporter::otlphttp
