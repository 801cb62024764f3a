// The pprof extension: Go's net/http/pprof endpoints for a C++ process, served with gperftools.
//   /debug/pprof/                 an index of what is available
//   /debug/pprof/profile?seconds=N a CPU profile of the next N seconds (default 30), in the
//                                  gperftools format that `pprof` opens
//   /debug/pprof/heap             a heap profile when tcmalloc is the allocator (run with
//                                  LD_PRELOAD=libtcmalloc.so.4 and TCMALLOC_SAMPLE_PARAMETER set);
//                                  otherwise 501 saying so, with the allocator's statistics
//   /debug/pprof/cmdline          the command line, NUL-separated as Go's
// save_to_file profiles the whole run (then /debug/pprof/profile answers that the CPU profiler
// is in use, as Go does).
//
// Threads: the server runs on a thread of its own, not on the shared I/O pool, because a CPU
// profile request holds its handler for N seconds. Only one CPU profile runs at a time.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "component/component.h"
#include "extension/pprof/config.h"
#include "net/http_server.h"

namespace ocelot::extension::pprof {

// The longest CPU profile one request may ask for.
inline constexpr int kMaxProfileSeconds = 300;

class PprofExtension final : public component::Component {
 public:
  PprofExtension(const Config& config, std::shared_ptr<spdlog::logger> logger);
  ~PprofExtension() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;

  net::HttpResponse Handle(const net::HttpRequest& request);
  int port() const;

 private:
  net::HttpResponse CpuProfile(const net::HttpRequest& request);
  net::HttpResponse HeapProfile();

  const Config config_;
  std::shared_ptr<spdlog::logger> logger_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::unique_ptr<net::HttpServer> server_;
  bool whole_run_profile_ = false;  // save_to_file's profiler is running

  std::mutex mu_;  // guards stopping_
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

// True when `data` is a gperftools CPU profile (legacy binary format: a header of five words
// 0, 3, 0, period, 0).
bool LooksLikeCpuProfile(const std::string& data);

}  // namespace ocelot::extension::pprof
