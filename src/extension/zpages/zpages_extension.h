// The zpages extension: the collector's own live pages over HTTP, as otelcol's:
// /debug/servicez, /debug/pipelinez, /debug/extensionz, /debug/featurez, /debug/tracez.
//
// Threads: pages are rendered on the I/O pool from the service's description (fixed while the
// extension runs) and the telemetry registry (thread-safe).
#pragma once

#include <memory>

#include "component/component.h"
#include "extension/zpages/config.h"
#include "net/http_server.h"

namespace ocelot::extension::zpages {

class ZpagesExtension final : public component::Component {
 public:
  ZpagesExtension(const Config& config, std::shared_ptr<spdlog::logger> logger,
                  telemetry::MetricsRegistry* metrics);
  ~ZpagesExtension() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;

  net::HttpResponse Handle(const net::HttpRequest& request) const;
  int port() const;

 private:
  const Config config_;
  std::shared_ptr<spdlog::logger> logger_;
  telemetry::MetricsRegistry* const metrics_;
  const component::Host* host_ = nullptr;  // set by Start; outlives the extension
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace ocelot::extension::zpages
