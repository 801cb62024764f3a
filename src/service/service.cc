#include "service/service.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

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
  auto root = spdlog::default_logger();
  auto graph = Graph::Build(
      config,
      [&](const std::string& name) {
        auto logger = root->clone(name);
        return logger;
      },
      &metrics_);
  if (!graph.ok()) return graph.status();
  graph_ = *std::move(graph);
  absl::Status s = graph_->Start(*this);
  if (!s.ok()) graph_.reset();
  return s;
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
    graph_->Shutdown();
    graph_.reset();
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
