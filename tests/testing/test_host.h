// A component::Host for tests: an I/O pool on one thread, and fatal errors recorded.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "component/component.h"

namespace ocelot::testing {

class TestHost final : public component::Host {
 public:
  TestHost() : work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~TestHost() override {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  boost::asio::io_context& io_context() override { return io_; }
  void ReportFatalError(const absl::Status& status) override {
    std::lock_guard lock(mu_);
    fatal_.push_back(status);
  }
  std::vector<absl::Status> fatal_errors() {
    std::lock_guard lock(mu_);
    return fatal_;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::mutex mu_;  // guards fatal_
  std::vector<absl::Status> fatal_;
};

}  // namespace ocelot::testing
