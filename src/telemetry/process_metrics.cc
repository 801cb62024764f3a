#include "telemetry/process_metrics.h"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

namespace ocelot::telemetry {

double ProcessRssBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages_total = 0, pages_resident = 0;
  int n = std::fscanf(f, "%ld %ld", &pages_total, &pages_resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double ProcessCpuSeconds() {
  rusage u{};
  if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
  auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// glibc's view of the heap: what is handed out (arenas in use plus mmapped blocks), and what
// it holds from the system. The closest analogues of Go's HeapAlloc and Sys.
double HeapAllocBytes() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<double>(mi.uordblks + mi.hblkhd);
}

double HeapSysBytes() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<double>(mi.arena + mi.hblkhd);
}

void RegisterProcessMetrics(MetricsRegistry& registry,
                            std::chrono::steady_clock::time_point start) {
  registry.AddCallbackCounter(
      "otelcol_process_uptime", {},
      [start] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      },
      "Uptime of the process");
  registry.AddCallbackCounter("otelcol_process_cpu_seconds", {}, ProcessCpuSeconds,
                              "Total CPU user and system time in seconds");
  registry.AddCallbackGauge("otelcol_process_memory_rss", {}, ProcessRssBytes,
                            "Total physical memory (resident set size)");
  registry.AddCallbackGauge(
      "otelcol_process_runtime_heap_alloc_bytes", {}, HeapAllocBytes,
      "Bytes of allocated heap objects (see 'go doc runtime.MemStats.HeapAlloc')");
  registry.AddCallbackGauge(
      "otelcol_process_runtime_total_sys_memory_bytes", {}, HeapSysBytes,
      "Total bytes of memory obtained from the OS (see 'go doc runtime.MemStats.Sys')");
}

}  // namespace ocelot::telemetry
