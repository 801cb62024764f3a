#include "service/service.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <random>

#include "telemetry/process_metrics.h"
#include "telemetry/prometheus_server.h"

namespace ocelot::service {

Service::Service(size_t io_threads) {
  if (io_threads == 0) {
    io_threads = std::clamp<size_t>(std::thread::hardware_concurrency() / 2, 1, 4);
  }
  work_.emplace(boost::asio::make_work_guard(io_));
  for (size_t i = 0; i < io_threads; ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
}

Service::~Service() { Shutdown(); }

absl::Status Service::Start(const ServiceConfig& config) {
  if (absl::Status s = StartTelemetry(config.telemetry); !s.ok()) return s;
  return BuildAndStart(config);
}

namespace {

// A random (version 4) UUID, as otelcol's service_instance_id.
std::string NewInstanceId() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t hi = gen(), lo = gen();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;              // version 4
  lo = (lo & ~(0xc0ULL << 56)) | (0x80ULL << 56);  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

}  // namespace

absl::Status Service::StartTelemetry(const TelemetryConfig& telemetry) {
  if (description_.start_time == std::chrono::system_clock::time_point{}) {
    description_.start_time = std::chrono::system_clock::now();
  }
  auto attr = [&](const char* key, std::string fallback) {
    auto it = telemetry.resource.find(key);
    return it != telemetry.resource.end() ? it->second : fallback;
  };
  // otelcol-contrib's service_name, so that dashboards and alerts written for it match.
  metrics_.SetConstLabels(
      {{"service_instance_id", attr("service.instance.id", NewInstanceId())},
       {"service_name", attr("service.name", "otelcol-contrib")},
       {"service_version",
        attr("service.version",
             description_.version.empty() ? std::string("unknown") : description_.version)}});
  telemetry::RegisterProcessMetrics(metrics_, std::chrono::steady_clock::now());
  if (telemetry.metrics_level == "none") return absl::OkStatus();
  auto server = telemetry::PrometheusServer::Start(io_, telemetry.metrics_address, &metrics_);
  if (!server.ok()) {
    if (telemetry.metrics_address_explicit) {
      return absl::Status(server.status().code(),
                          "service::telemetry::metrics: " + std::string(server.status().message()));
    }
    spdlog::error(
        "the collector's own metrics are not served: {} (set "
        "service::telemetry::metrics::address, or level: none)",
        std::string(server.status().message()));
    return absl::OkStatus();
  }
  metrics_server_ = *std::move(server);
  return absl::OkStatus();
}

void Service::SetDescription(component::CollectorDescription description) {
  description_ = std::move(description);
}

void Service::NotifyWatchers(component::CollectorStatus status) {
  for (component::StatusWatcher* w : watchers_) w->OnCollectorStatus(status);
}

absl::Status Service::BuildAndStart(const ServiceConfig& config) {
  auto root = spdlog::default_logger();
  auto graph = Graph::Build(
      config, [&](const std::string& name) { return root->clone(name); }, &metrics_);
  if (!graph.ok()) return graph.status();
  graph_ = *std::move(graph);
  description_.pipelines.clear();
  for (const PipelineConfig& p : config.pipelines) {
    description_.pipelines.push_back({p.name, p.receivers, p.processors, p.exporters});
  }
  description_.extensions = config.service_extensions;
  description_.summary = graph_->Summary();
  watchers_.clear();
  for (const component::Id& id : config.service_extensions) {
    if (auto* w = dynamic_cast<component::StatusWatcher*>(graph_->extension(id))) {
      watchers_.push_back(w);
    }
  }
  absl::Status s = graph_->Start(*this);
  if (!s.ok()) {
    watchers_.clear();
    graph_.reset();
    return s;
  }
  NotifyWatchers(component::CollectorStatus::kRunning);
  return s;
}

absl::Status Service::Reload(const ServiceConfig& next, const ServiceConfig& previous) {
  if (graph_) {
    NotifyWatchers(component::CollectorStatus::kStopping);
    watchers_.clear();
    graph_->Shutdown();
    graph_.reset();
  }
  absl::Status s = BuildAndStart(next);
  if (s.ok()) return s;
  absl::Status restored = BuildAndStart(previous);
  if (!restored.ok()) {
    absl::Status fatal = absl::InternalError(
        "the new configuration failed to start (" + std::string(s.message()) +
        ") and the previous one could not be restored (" + std::string(restored.message()) + ")");
    ReportFatalError(fatal);
    return fatal;
  }
  return absl::Status(s.code(), "the new configuration failed to start (" +
                                    std::string(s.message()) +
                                    "); rolled back to the previous configuration");
}

absl::Status Service::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stop_requested_; });
  return fatal_;
}

void Service::RequestStop() {
  {
    std::lock_guard lock(mu_);
    stop_requested_ = true;
  }
  cv_.notify_all();
}

void Service::ReportFatalError(const absl::Status& status) {
  {
    std::lock_guard lock(mu_);
    if (fatal_.ok()) fatal_ = status;
    stop_requested_ = true;
  }
  cv_.notify_all();
}

void Service::Shutdown() {
  if (graph_) {
    NotifyWatchers(component::CollectorStatus::kStopping);
    watchers_.clear();
    graph_->Shutdown();
    graph_.reset();
  }
  if (metrics_server_) {
    metrics_server_->Stop();
    metrics_server_.reset();
  }
  work_.reset();
  // Components cancel their own I/O in Shutdown; stop() makes sure a forgotten timer cannot
  // keep the process alive.
  io_.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

component::Component* Service::GetExtension(const component::Id& id) {
  return graph_ ? graph_->extension(id) : nullptr;
}

std::vector<std::string> Service::Summary() const {
  return graph_ ? graph_->Summary() : std::vector<std::string>{};
}

}  // namespace ocelot::service
