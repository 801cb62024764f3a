#include "extension/zpages/zpages_extension.h"

#include <spdlog/spdlog.h>

#include "extension/zpages/pages.h"

namespace ocelot::extension::zpages {

ZpagesExtension::ZpagesExtension(const Config& config, std::shared_ptr<spdlog::logger> logger,
                                 telemetry::MetricsRegistry* metrics)
    : config_(config), logger_(std::move(logger)), metrics_(metrics) {}

ZpagesExtension::~ZpagesExtension() { Shutdown(); }

absl::Status ZpagesExtension::Start(component::Host& host) {
  host_ = &host;
  net::HttpServerOptions options;
  options.endpoint = config_.endpoint;
  options.max_request_body_bytes = 64 << 10;
  auto server = net::HttpServer::Start(host.io_context(), options,
                                       [this](const net::HttpRequest& r) { return Handle(r); });
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  if (logger_) logger_->info("zpages on http://{}/debug/servicez", config_.endpoint);
  return absl::OkStatus();
}

void ZpagesExtension::Shutdown() {
  if (server_) {
    server_->Stop();
    server_.reset();
  }
}

int ZpagesExtension::port() const { return server_ ? server_->port() : 0; }

net::HttpResponse ZpagesExtension::Handle(const net::HttpRequest& request) const {
  PageContext ctx;
  ctx.description = host_ ? host_->description() : nullptr;
  ctx.metrics = metrics_;
  net::HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  // Live pages: a reload must show the current counters.
  r.headers.emplace_back("Cache-Control", "no-store");
  const std::string& p = request.path;
  if (request.method != "GET" && request.method != "HEAD") {
    r.status = 405;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "405 method not allowed, supported: [GET]\n";
    r.headers.emplace_back("Allow", "GET");
  } else if (p == "/debug/servicez") {
    r.body = ServicezPage(ctx);
  } else if (p == "/debug/pipelinez") {
    r.body = PipelinezPage(ctx);
  } else if (p == "/debug/extensionz") {
    r.body = ExtensionzPage(ctx);
  } else if (p == "/debug/featurez") {
    r.body = FeaturezPage(ctx);
  } else if (p == "/debug/tracez") {
    r.body = TracezPage(ctx, request.query);
  } else if (p == "/" || p == "/debug" || p == "/debug/") {
    r.status = 302;
    r.headers.emplace_back("Location", "/debug/servicez");
  } else {
    r.status = 404;
    r.body = NotFoundPage(p);
  }
  return r;
}

}  // namespace ocelot::extension::zpages
