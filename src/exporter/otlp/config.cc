// The otlp exporter's option table.
#include "exporter/otlp/config.h"

namespace ocelot::exporter::otlp {

void Config::Decode(config::MapDecoder& d) {
  exporterhelper::DecodeTimeout(d, &helper.timeout);
  exporterhelper::DecodeRetry(d, &helper.retry);
  exporterhelper::DecodeQueue(d, &helper.queue);
  d.Field("endpoint", &endpoint);
  d.Field("compression", &compression);
  exporterhelper::DecodeClientTls(d, &tls);
  if (d.Peek("keepalive") != nullptr) {
    keepalive.emplace();
    d.Object("keepalive", [&](config::MapDecoder& k) {
      k.Field("time", &keepalive->time);
      k.Field("timeout", &keepalive->timeout);
      k.Field("permit_without_stream", &keepalive->permit_without_stream);
    });
  }
  d.Field("read_buffer_size", &read_buffer_size);
  d.Field("write_buffer_size", &write_buffer_size);
  d.Field("wait_for_ready", &wait_for_ready);
  d.Field("headers", &headers);
  d.Field("balancer_name", &balancer_name);
  d.Field("authority", &authority);
  const config::Node* auth = d.Take("auth");
  if (auth != nullptr && !auth->is_null())
    d.Error("auth", "\"auth\" is not supported by ocelot yet");
}

void Config::Validate(config::MapDecoder& d) const {
  exporterhelper::ValidateTimeout(d, helper.timeout);
  exporterhelper::ValidateRetry(d, helper.retry);
  exporterhelper::ValidateQueue(d, helper.queue);
  exporterhelper::ValidateClientTls(d, tls);
  if (!tls.min_version.empty() || !tls.max_version.empty()) {
    d.Error("tls",
            "min_version and max_version are not available for gRPC in ocelot (its gRPC "
            "library negotiates TLS 1.2 or 1.3)");
  }
  if (SanitizedEndpoint().empty()) d.Error("endpoint", "requires a non-empty \"endpoint\"");
  if (compression == "zstd" || compression == "snappy") {
    d.Error("compression", "compression \"" + compression +
                               "\" is not available for gRPC in ocelot (its gRPC library offers "
                               "gzip only); use gzip or none");
  } else if (!compression.empty() && compression != "gzip" && compression != "none") {
    d.Error("compression", "unsupported compression type \"" + compression + "\"");
  }
  if (!balancer_name.empty() && balancer_name != "pick_first" && balancer_name != "round_robin") {
    d.Error("balancer_name",
            "invalid balancer_name: " + balancer_name + " (expected pick_first or round_robin)");
  }
  for (const auto& [name, value] : headers) {
    if (name.empty()) d.Error("headers", "header names must not be empty");
  }
  if (keepalive && (keepalive->time.count() < 0 || keepalive->timeout.count() < 0)) {
    d.Error("keepalive", "keepalive time and timeout must not be negative");
  }
}

std::vector<std::string> Config::Summary() const {
  std::string line =
      "OTLP/gRPC to " + SanitizedEndpoint() + (UsesTls() ? " (TLS)" : " (plaintext)");
  if (!headers.empty()) line += ", " + std::to_string(headers.size()) + " headers";
  return {line, exporterhelper::DescribeQueue(helper.queue)};
}

std::string Config::SanitizedEndpoint() const {
  for (std::string_view prefix : {"http://", "https://"}) {
    if (endpoint.rfind(prefix, 0) == 0) return endpoint.substr(prefix.size());
  }
  return endpoint;
}

}  // namespace ocelot::exporter::otlp
