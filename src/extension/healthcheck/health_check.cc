#include "extension/healthcheck/health_check.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "telemetry/metrics.h"

namespace ocelot::extension::healthcheck {
namespace {

// v / 10^digits with the fraction's trailing zeros (and a bare ".") dropped.
std::string Fixed(uint64_t v, int digits) {
  uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  std::string out = std::to_string(v / scale);
  uint64_t frac = v % scale;
  if (frac == 0) return out;
  std::string f = std::to_string(frac);
  f.insert(0, digits - f.size(), '0');
  while (!f.empty() && f.back() == '0') f.pop_back();
  return out + "." + f;
}

void AppendJsonString(const std::string& s, std::string* out) {
  out->push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out->append(buf);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('"');
}

}  // namespace

std::string GoDuration(std::chrono::nanoseconds d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  uint64_t u = ns < 0 ? -static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  if (u < 1000) return sign + std::to_string(u) + "ns";
  if (u < 1000000) return sign + Fixed(u, 3) + "\u00b5s";
  if (u < 1000000000) return sign + Fixed(u, 6) + "ms";
  std::string seconds = Fixed(u % 60000000000ULL, 9) + "s";
  uint64_t minutes = u / 60000000000ULL;
  if (minutes == 0) return sign + seconds;
  uint64_t hours = minutes / 60;
  std::string out = std::to_string(minutes % 60) + "m" + seconds;
  if (hours > 0) out = std::to_string(hours) + "h" + out;
  return sign + out;
}

std::string GoTime(std::chrono::system_clock::time_point t) {
  if (t == std::chrono::system_clock::time_point{}) return "0001-01-01T00:00:00Z";  // Go's zero
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
  int64_t frac = ns % 1000000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (frac > 0) {
    std::string f = Fixed(static_cast<uint64_t>(frac), 9);  // "0.123"
    out += f.substr(1);
  }
  return out + "Z";
}

HealthCheck::HealthCheck(const Config& config, std::shared_ptr<spdlog::logger> logger,
                         telemetry::MetricsRegistry* metrics)
    : config_(config), logger_(std::move(logger)), metrics_(metrics) {}

HealthCheck::~HealthCheck() { Shutdown(); }

absl::Status HealthCheck::Start(component::Host& host) {
  net::HttpServerOptions options;
  options.endpoint = config_.endpoint;
  options.max_request_body_bytes = 64 << 10;  // probes have no body
  auto server = net::HttpServer::Start(host.io_context(), options,
                                       [this](const net::HttpRequest& r) { return Handle(r); });
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  if (logger_) {
    logger_->info("health check on http://{}{} (port {})", config_.endpoint, config_.path,
                  server_->port());
  }
  return absl::OkStatus();
}

void HealthCheck::Shutdown() {
  if (server_) {
    server_->Stop();
    server_.reset();
  }
}

int HealthCheck::port() const { return server_ ? server_->port() : 0; }

void HealthCheck::OnCollectorStatus(component::CollectorStatus status) {
  {
    std::lock_guard lock(mu_);
    if (status == component::CollectorStatus::kRunning &&
        status_ != component::CollectorStatus::kRunning) {
      up_since_ = std::chrono::system_clock::now();
    }
    status_ = status;
  }
  if (logger_) {
    logger_->info("Health Check state change: {}", component::CollectorStatusName(status));
  }
}

std::string HealthCheck::ExporterProblem() const {
  const auto& check = config_.check_collector_pipeline;
  if (!check.enabled || metrics_ == nullptr) return "";
  std::string problem;
  const auto window = std::chrono::duration_cast<telemetry::Clock::duration>(check.interval);
  for (const telemetry::ComponentStatus& s : metrics_->component_status().Snapshot(window)) {
    if (s.component.rfind("exporter/", 0) != 0) continue;
    if (!s.failing_since || s.failures_in_window < check.exporter_failure_threshold) continue;
    if (!problem.empty()) problem += "; ";
    problem += s.component + " failed " + std::to_string(s.failures_in_window) +
               " times in the last " + GoDuration(check.interval) +
               " and has not succeeded since (last error: " + s.last_error + ")";
  }
  return problem;
}

net::HttpResponse HealthCheck::Handle(const net::HttpRequest& request) const {
  net::HttpResponse r;
  for (const auto& [k, v] : config_.response_headers) r.headers.emplace_back(k, v);
  const std::string& path = config_.path;
  bool matches = path.back() == '/' ? request.path.rfind(path, 0) == 0 : request.path == path;
  if (!matches) {
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "404 page not found\n";
    return r;
  }

  component::CollectorStatus status;
  std::chrono::system_clock::time_point up_since;
  {
    std::lock_guard lock(mu_);
    status = status_;
    up_since = up_since_;
  }
  std::string reason;
  switch (status) {
    case component::CollectorStatus::kStarting:
      reason = "the collector is starting";
      break;
    case component::CollectorStatus::kStopping:
      reason = "the collector is shutting down";
      break;
    case component::CollectorStatus::kRunning:
      reason = ExporterProblem();
      break;
  }
  const bool running = status == component::CollectorStatus::kRunning;
  const bool healthy = reason.empty();

  r.status = healthy ? 200 : 503;
  if (config_.response_body) {
    const std::string& custom =
        healthy ? config_.response_body->healthy : config_.response_body->unhealthy;
    if (!custom.empty()) {
      r.body = custom;
      return r;
    }
  }
  r.content_type = "application/json";
  std::string body = "{\"status\":";
  AppendJsonString(healthy ? "Server available" : "Server not available", &body);
  body += ",\"upSince\":";
  AppendJsonString(GoTime(running ? up_since : std::chrono::system_clock::time_point{}), &body);
  body += ",\"uptime\":";
  AppendJsonString(running ? GoDuration(std::chrono::system_clock::now() - up_since) : "", &body);
  if (!healthy) {
    body += ",\"reason\":";
    AppendJsonString(reason, &body);
  }
  body += "}";
  r.body = std::move(body);
  return r;
}

}  // namespace ocelot::extension::healthcheck
