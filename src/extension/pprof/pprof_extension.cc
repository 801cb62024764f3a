#include "extension/pprof/pprof_extension.h"

#include <dlfcn.h>
#include <gperftools/malloc_extension.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ocelot::extension::pprof {
namespace {

net::HttpResponse Text(int status, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

std::string QueryValue(const std::string& query, const std::string& key) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(pos, end - pos);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string::npos ? "" : pair.substr(eq + 1);
    pos = end + 1;
  }
  return "";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// gperftools' CPU profiler, loaded on first use: linking it made every ocelot start load
// libprofiler, libunwind and liblzma (~0.2 MiB of RSS) whether or not pprof was configured.
struct CpuProfiler {
  int (*start)(const char* path) = nullptr;
  void (*stop)() = nullptr;
};

const CpuProfiler* LoadCpuProfiler() {
  static const CpuProfiler profiler = [] {
    CpuProfiler p;
    void* lib = dlopen("libprofiler.so.0", RTLD_NOW | RTLD_GLOBAL);
    if (lib == nullptr) return p;
    p.start = reinterpret_cast<int (*)(const char*)>(dlsym(lib, "ProfilerStart"));
    p.stop = reinterpret_cast<void (*)()>(dlsym(lib, "ProfilerStop"));
    if (p.start == nullptr || p.stop == nullptr) p = CpuProfiler{};
    return p;
  }();
  return profiler.start != nullptr ? &profiler : nullptr;
}

bool ProfilerStart(const char* path) {
  const CpuProfiler* p = LoadCpuProfiler();
  return p != nullptr && p->start(path) != 0;
}

void ProfilerStop() {
  if (const CpuProfiler* p = LoadCpuProfiler()) p->stop();
}

// tcmalloc's MallocExtension, when tcmalloc is the process's allocator (linked or preloaded).
// Looked up at run time so that ocelot does not have to link tcmalloc.
MallocExtension* TcmallocExtension() {
  using InstanceFn = MallocExtension* (*)();
  void* sym = dlsym(RTLD_DEFAULT, "_ZN15MallocExtension8instanceEv");
  if (sym == nullptr || dlsym(RTLD_DEFAULT, "tc_malloc") == nullptr) return nullptr;
  return reinterpret_cast<InstanceFn>(sym)();
}

constexpr char kIndex[] = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>/debug/pprof/</title>
<style>body{font-family:sans-serif;margin:2em;max-width:50em}code{background:#eee;padding:0 .2em}</style>
</head><body>
<h1>/debug/pprof/</h1>
<p>ocelot serves these profiles with gperftools; open them with <code>pprof</code>.</p>
<table>
<tr><td><a href="profile?seconds=30">profile</a></td><td>CPU profile; <code>?seconds=N</code> sets the duration (default 30).</td></tr>
<tr><td><a href="heap">heap</a></td><td>Sampled heap profile; needs tcmalloc as the allocator
(<code>LD_PRELOAD=libtcmalloc.so.4 TCMALLOC_SAMPLE_PARAMETER=524288</code>).</td></tr>
<tr><td><a href="cmdline">cmdline</a></td><td>The command line of this process.</td></tr>
</table>
<p>Go's goroutine, block, mutex, allocs and threadcreate profiles have no counterpart in a C++
process.</p>
</body></html>
)";

}  // namespace

bool LooksLikeCpuProfile(const std::string& data) {
  using Word = uintptr_t;  // the profile is written in the machine's word size
  if (data.size() < 5 * sizeof(Word)) return false;
  Word w[5];
  std::memcpy(w, data.data(), sizeof(w));
  return w[0] == 0 && w[1] == 3 && w[2] == 0 && w[3] > 0 && w[4] == 0;
}

PprofExtension::PprofExtension(const Config& config, std::shared_ptr<spdlog::logger> logger)
    : config_(config), logger_(std::move(logger)) {}

PprofExtension::~PprofExtension() { Shutdown(); }

absl::Status PprofExtension::Start(component::Host&) {
  if (!config_.save_to_file.empty()) {
    if (!ProfilerStart(config_.save_to_file.c_str())) {
      return absl::FailedPreconditionError(
          "save_to_file: cannot start the CPU profiler into \"" + config_.save_to_file +
          "\" (unwritable, profiling already in use, or libprofiler.so.0 missing: install "
          "libgoogle-perftools4)");
    }
    whole_run_profile_ = true;
  }
  net::HttpServerOptions options;
  options.endpoint = config_.endpoint;
  options.max_request_body_bytes = 64 << 10;
  // A profile request is answered after its duration; the connection must stay open meanwhile.
  options.idle_timeout = std::chrono::seconds(kMaxProfileSeconds + 60);
  auto server =
      net::HttpServer::Start(io_, options, [this](const net::HttpRequest& r) { return Handle(r); });
  if (!server.ok()) {
    if (whole_run_profile_) ProfilerStop();
    whole_run_profile_ = false;
    return server.status();
  }
  server_ = *std::move(server);
  work_.emplace(boost::asio::make_work_guard(io_));
  thread_ = std::thread([this] { io_.run(); });
  return absl::OkStatus();
}

void PprofExtension::Shutdown() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();  // a CPU profile in progress ends now
  if (server_) {
    server_->Stop();
    server_.reset();
  }
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
  if (whole_run_profile_) {
    ProfilerStop();  // writes the file
    whole_run_profile_ = false;
    if (logger_) logger_->info("CPU profile of the run written to {}", config_.save_to_file);
  }
}

int PprofExtension::port() const { return server_ ? server_->port() : 0; }

net::HttpResponse PprofExtension::Handle(const net::HttpRequest& request) {
  const std::string& p = request.path;
  if (p == "/debug/pprof" || p == "/debug/pprof/") {
    net::HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = kIndex;
    return r;
  }
  if (p == "/debug/pprof/profile") return CpuProfile(request);
  if (p == "/debug/pprof/heap") return HeapProfile();
  if (p == "/debug/pprof/cmdline") {
    std::string cmdline = ReadAll("/proc/self/cmdline");
    if (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
    return Text(200, cmdline);
  }
  for (const char* go_only :
       {"goroutine", "block", "mutex", "allocs", "threadcreate", "trace", "symbol"}) {
    if (p == std::string("/debug/pprof/") + go_only) {
      return Text(404, std::string("Unknown profile: ") + go_only +
                           " (a Go runtime profile; ocelot has no counterpart)\n");
    }
  }
  return Text(404, "404 page not found\n");
}

net::HttpResponse PprofExtension::CpuProfile(const net::HttpRequest& request) {
  int seconds = 30;  // Go's default
  if (std::string v = QueryValue(request.query, "seconds"); !v.empty()) {
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (end == v.c_str() || *end != '\0' || n <= 0) {
      return Text(400, "Bad Request: invalid value for \"seconds\": \"" + v + "\"\n");
    }
    if (n > kMaxProfileSeconds) {
      return Text(400, "Bad Request: profile duration exceeds the limit of " +
                           std::to_string(kMaxProfileSeconds) + " seconds\n");
    }
    seconds = static_cast<int>(n);
  }

  std::string path = (std::filesystem::temp_directory_path() / "ocelot-cpu-XXXXXX").string();
  int fd = mkstemp(path.data());
  if (fd < 0) return Text(500, "Could not enable CPU profiling: cannot create a temporary file\n");
  close(fd);
  // One CPU profiler per process; a second request (or save_to_file) finds it in use.
  if (!ProfilerStart(path.c_str())) {
    std::filesystem::remove(path);
    return Text(500, "Could not enable CPU profiling: cpu profiling already in use\n");
  }
  {
    std::unique_lock lock(mu_);
    stop_cv_.wait_for(lock, std::chrono::seconds(seconds), [&] { return stopping_; });
  }
  ProfilerStop();
  std::string data = ReadAll(path);
  std::filesystem::remove(path);
  if (data.empty()) return Text(500, "Could not read the CPU profile\n");

  net::HttpResponse r;
  r.content_type = "application/octet-stream";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"profile\"");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.body = std::move(data);
  return r;
}

net::HttpResponse PprofExtension::HeapProfile() {
  MallocExtension* tcmalloc = TcmallocExtension();
  if (tcmalloc == nullptr || std::getenv("TCMALLOC_SAMPLE_PARAMETER") == nullptr) {
    struct mallinfo2 mi = mallinfo2();
    std::string why =
        tcmalloc == nullptr
            ? "heap profiling needs tcmalloc as the allocator, and this process uses glibc's "
              "malloc. Start ocelot with LD_PRELOAD=libtcmalloc.so.4 and "
              "TCMALLOC_SAMPLE_PARAMETER=524288 to serve sampled heap profiles here.\n"
            : "tcmalloc is the allocator but does not sample allocations: set "
              "TCMALLOC_SAMPLE_PARAMETER (e.g. 524288) in ocelot's environment.\n";
    return Text(501, why + "\nglibc malloc now: " + std::to_string(mi.uordblks + mi.hblkhd) +
                         " bytes in use, " + std::to_string(mi.arena + mi.hblkhd) +
                         " bytes held from the system\n");
  }
  std::string profile;
  tcmalloc->GetHeapSample(&profile);
  net::HttpResponse r;
  r.content_type = "application/octet-stream";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"heap\"");
  r.body = std::move(profile);
  return r;
}

}  // namespace ocelot::extension::pprof
