// Samples another process's CPU time and RSS from /proc while a load runs, so one tool reports
// throughput, CPU % of one core and memory for the same interval.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ocelot::loadgen {

struct ProcStats {
  double cpu_percent = 0;  // of one core, averaged over the sampling interval
  double rss_mean_mib = 0;
  double rss_peak_mib = 0;
  int samples = 0;
};

class ProcSampler {
 public:
  // Samples `pid` every `period_ms` until Stop().
  ProcSampler(pid_t pid, int period_ms);
  ~ProcSampler();
  ProcStats Stop();

 private:
  void Run();
  pid_t pid_;
  int period_ms_;
  std::mutex mu_;  // guards stop_ and stats_
  std::condition_variable cv_;
  bool stop_ = false;
  ProcStats stats_;
  std::thread thread_;
};

// CPU seconds (user + system) and RSS bytes of a process; false if it is gone.
bool ReadProc(pid_t pid, double* cpu_seconds, double* rss_bytes);

}  // namespace ocelot::loadgen
