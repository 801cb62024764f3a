// otlphttp exporter options, as otelcol 0.96's otlphttpexporter: confighttp.ClientConfig
// (endpoint, proxy_url, tls, timeout, headers, compression, connection knobs) plus per-signal
// endpoints, the encoding, retry_on_failure and sending_queue. Its `timeout` is the HTTP
// client's (30 s); the exporter helper's own timeout is off, as otelcol sets it.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "component/factory.h"
#include "exporterhelper/client_tls.h"
#include "exporterhelper/settings.h"

namespace ocelot::exporter::otlphttp {

struct Config final : component::Config {
  exporterhelper::Settings helper;  // helper.timeout stays 0
  std::string endpoint;             // base URL; /v1/<signal> is appended
  std::string traces_endpoint;      // full URLs, each overriding endpoint for its signal
  std::string metrics_endpoint;
  std::string logs_endpoint;
  std::string encoding = "proto";                       // proto or json
  std::string compression = "gzip";                     // gzip, zlib, deflate, zstd, none ("" too)
  config::Duration timeout = std::chrono::seconds(30);  // per request
  std::map<std::string, std::string> headers;
  exporterhelper::ClientTlsSettings tls;
  std::string proxy_url;
  bool disable_keep_alives = false;

  Config() { helper.timeout.timeout = config::Duration(0); }
  void Decode(config::MapDecoder& d) override;
  void Validate(config::MapDecoder& d) const override;
  std::vector<std::string> Summary() const override;

  // The URL a signal is sent to ("" when neither endpoint nor its override is set).
  std::string UrlFor(pdata::Signal signal) const;
};

}  // namespace ocelot::exporter::otlphttp
