#include "cmd/loadgen/proc_sampler.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace ocelot::loadgen {

bool ReadProc(pid_t pid, double* cpu_seconds, double* rss_bytes) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  // Fields after the command name (which may hold spaces) start after the last ')'.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  long rss_pages = 0;
  for (int i = 3; rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
    if (i == 24) {
      rss_pages = std::stol(field);
      break;
    }
  }
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  *cpu_seconds = static_cast<double>(utime + stime) / ticks;
  *rss_bytes = static_cast<double>(rss_pages) * page;
  return true;
}

ProcSampler::ProcSampler(pid_t pid, int period_ms)
    : pid_(pid), period_ms_(period_ms), thread_([this] { Run(); }) {}

ProcSampler::~ProcSampler() { Stop(); }

void ProcSampler::Run() {
  double cpu0 = 0, rss = 0;
  if (!ReadProc(pid_, &cpu0, &rss)) return;
  auto t0 = std::chrono::steady_clock::now();
  double rss_sum = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    // Waiting on the stop condition doubles as the sampling period.
    if (cv_.wait_for(lock, std::chrono::milliseconds(period_ms_), [&] { return stop_; })) break;
    double cpu = 0;
    if (!ReadProc(pid_, &cpu, &rss)) break;
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++stats_.samples;
    rss_sum += rss;
    stats_.rss_mean_mib = rss_sum / stats_.samples / (1024.0 * 1024.0);
    stats_.rss_peak_mib = std::max(stats_.rss_peak_mib, rss / (1024.0 * 1024.0));
    stats_.cpu_percent = elapsed > 0 ? 100.0 * (cpu - cpu0) / elapsed : 0;
  }
}

ProcStats ProcSampler::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace ocelot::loadgen
