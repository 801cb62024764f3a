// ocelot-loadgen: sends pre-built OTLP traces, metrics or logs to a collector on loopback over
// gRPC or HTTP (protobuf or JSON, optionally gzip), at a fixed rate or flat out, over N
// connections; reports sent/accepted/refused/failed counts, the achieved rate, latency
// percentiles and (with --pid) the collector's CPU and RSS over the same interval.
#include <curl/curl.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cmd/loadgen/payload.h"
#include "cmd/loadgen/proc_sampler.h"
#include "net/compression.h"
#include "pdata/otlp_json.h"

namespace ocelot::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string endpoint = "127.0.0.1:4317";
  std::string protocol = "grpc";   // grpc | http
  std::string encoding = "proto";  // proto | json (http only)
  bool gzip = false;
  Shape shape;
  double rate = 0;  // items per second; 0: flat out
  int connections = 1;
  int inflight = 8;  // concurrent gRPC calls per connection
  double duration_s = 10;
  int64_t count = 0;  // requests in total; 0: until the duration ends
  pid_t pid = 0;
  bool json = false;
  std::string count_file;  // count the items in an OTLP/JSON lines file instead of sending
  int variants = 16;       // distinct requests sent in turn (ids differ)
};

struct WorkerResult {
  int64_t sent = 0, accepted = 0, refused = 0, failed = 0;
  std::vector<uint32_t> latency_us;
};

const char kUsage[] =
    "Usage: ocelot-loadgen [--endpoint HOST:PORT] [--protocol grpc|http] [--encoding proto|json]\n"
    "  [--gzip] [--signal traces|metrics|logs] [--items N] [--attributes N] [--attribute-size B]\n"
    "  [--events N] [--rate ITEMS_PER_S] [--connections N] [--inflight N] [--duration S]\n"
    "  [--count REQUESTS] [--variants N] [--pid PID] [--json]\n"
    "       ocelot-loadgen --count-file FILE [--signal S]   (items in an OTLP/JSON lines file)\n"
    "Sends to loopback only. --rate 0 (default) sends flat out.\n";

bool IsLoopback(const std::string& endpoint) {
  std::string host = endpoint.substr(0, endpoint.rfind(':'));
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" ||
         host.rfind("127.", 0) == 0;
}

std::optional<Options> Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("flag " + a + " needs a value");
      return argv[++i];
    };
    if (a == "--endpoint")
      o.endpoint = next();
    else if (a == "--protocol")
      o.protocol = next();
    else if (a == "--encoding")
      o.encoding = next();
    else if (a == "--gzip")
      o.gzip = true;
    else if (a == "--signal")
      o.shape.signal = next();
    else if (a == "--items")
      o.shape.items_per_request = std::stoi(next());
    else if (a == "--attributes")
      o.shape.attributes = std::stoi(next());
    else if (a == "--attribute-size")
      o.shape.attribute_size = std::stoi(next());
    else if (a == "--events")
      o.shape.events = std::stoi(next());
    else if (a == "--rate")
      o.rate = std::stod(next());
    else if (a == "--connections")
      o.connections = std::max(1, std::stoi(next()));
    else if (a == "--inflight")
      o.inflight = std::max(1, std::stoi(next()));
    else if (a == "--duration")
      o.duration_s = std::stod(next());
    else if (a == "--count")
      o.count = std::stoll(next());
    else if (a == "--pid")
      o.pid = std::stoi(next());
    else if (a == "--json")
      o.json = true;
    else if (a == "--variants")
      o.variants = std::stoi(next());
    else if (a == "--count-file")
      o.count_file = next();
    else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return std::nullopt;
    } else {
      throw std::runtime_error("unknown argument " + a);
    }
  }
  if (!IsLoopback(o.endpoint)) throw std::runtime_error("refusing a non-loopback endpoint");
  if (o.protocol != "grpc" && o.protocol != "http") throw std::runtime_error("bad --protocol");
  return o;
}

// Shared pacing and stop rules: requests are scheduled at fixed intervals per worker so the
// aggregate rate is exact; `budget` caps the total when --count is given.
struct Plan {
  Clock::time_point start;
  Clock::time_point end;
  std::chrono::nanoseconds interval{0};  // per worker; 0: flat out
  std::atomic<int64_t> budget{0};
  bool limited = false;
  bool Take() { return !limited || budget.fetch_sub(1) > 0; }
};

WorkerResult RunGrpcWorker(const Options& o, const std::vector<Payload>& payloads, Plan& plan,
                           int index) {
  WorkerResult r;
  grpc::ChannelArguments args;
  args.SetInt("ocelot.loadgen.connection", index);  // distinct args: a connection per worker
  args.SetMaxSendMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(o.endpoint, grpc::InsecureChannelCredentials(), args);
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  std::vector<grpc::ByteBuffer> bodies;
  for (const Payload& p : payloads) {
    grpc::Slice slice(p.proto);
    bodies.emplace_back(&slice, 1);
  }
  const std::string& method = payloads[0].grpc_method;
  struct Call {
    grpc::ClientContext ctx;
    grpc::ByteBuffer response;
    grpc::Status status;
    Clock::time_point sent;
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  };
  int inflight = 0;
  auto next_send = plan.start;
  bool stopping = false;
  for (;;) {
    auto now = Clock::now();
    if (now >= plan.end) stopping = true;
    while (!stopping && inflight < o.inflight && (plan.interval.count() == 0 || now >= next_send)) {
      if (!plan.Take()) {
        stopping = true;
        break;
      }
      auto* call = new Call();
      if (o.gzip) call->ctx.set_compression_algorithm(GRPC_COMPRESS_GZIP);
      call->sent = Clock::now();
      call->reader = stub.PrepareUnaryCall(&call->ctx, method, bodies[r.sent % bodies.size()], &cq);
      call->reader->StartCall();
      call->reader->Finish(&call->response, &call->status, call);
      ++inflight;
      ++r.sent;
      next_send += plan.interval;
    }
    if (stopping && inflight == 0) break;
    auto deadline = stopping || plan.interval.count() == 0 || inflight >= o.inflight
                        ? Clock::now() + std::chrono::seconds(30)
                        : std::min(next_send, plan.end);
    void* tag = nullptr;
    bool ok = false;
    auto status =
        cq.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + (deadline - Clock::now()));
    if (status == grpc::CompletionQueue::GOT_EVENT) {
      auto* call = static_cast<Call*>(tag);
      auto latency =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - call->sent);
      r.latency_us.push_back(static_cast<uint32_t>(latency.count()));
      if (call->status.ok()) {
        ++r.accepted;
      } else if (call->status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 call->status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++r.refused;
      } else {
        ++r.failed;
      }
      delete call;
      --inflight;
    } else if (status == grpc::CompletionQueue::SHUTDOWN) {
      break;
    }
  }
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  return r;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

WorkerResult RunHttpWorker(const Options& o, const std::vector<Payload>& payloads, Plan& plan) {
  WorkerResult r;
  std::vector<std::string> bodies;
  for (const Payload& p : payloads) {
    bodies.push_back(o.encoding == "json" ? p.json : p.proto);
    if (o.gzip) bodies.back() = *net::Compress("gzip", bodies.back());
  }
  CURL* curl = curl_easy_init();
  std::string url = "http://" + o.endpoint + payloads[0].http_path;
  curl_slist* headers = nullptr;
  headers =
      curl_slist_append(headers, o.encoding == "json" ? "Content-Type: application/json"
                                                      : "Content-Type: application/x-protobuf");
  if (o.gzip) headers = curl_slist_append(headers, "Content-Encoding: gzip");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  auto next_send = plan.start;
  while (Clock::now() < plan.end && plan.Take()) {
    if (plan.interval.count() > 0) {
      std::this_thread::sleep_until(next_send);  // pacing, in a tool
      next_send += plan.interval;
    }
    const std::string& body = bodies[r.sent % bodies.size()];
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    auto t0 = Clock::now();
    ++r.sent;
    long code = 0;
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    r.latency_us.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count()));
    if (code == 200)
      ++r.accepted;
    else if (code == 503 || code == 429)
      ++r.refused;
    else
      ++r.failed;
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return r;
}

// Counts what a file exporter wrote, so a benchmark can check that everything arrived.
int CountFile(const Options& o) {
  std::ifstream in(o.count_file);
  if (!in) {
    std::cerr << "ocelot-loadgen: cannot read " << o.count_file << "\n";
    return 2;
  }
  uint64_t items = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    absl::Status s;
    if (o.shape.signal == "metrics") {
      pdata::MetricsRequest r;
      s = pdata::ParseOtlpJson(line, &r);
      items += pdata::CountItems(r);
    } else if (o.shape.signal == "logs") {
      pdata::LogsRequest r;
      s = pdata::ParseOtlpJson(line, &r);
      items += pdata::CountItems(r);
    } else {
      pdata::TracesRequest r;
      s = pdata::ParseOtlpJson(line, &r);
      items += pdata::CountItems(r);
    }
    if (!s.ok()) {
      std::cerr << "ocelot-loadgen: " << o.count_file << ": " << s.message() << "\n";
      return 1;
    }
  }
  std::printf("%llu\n", static_cast<unsigned long long>(items));
  return 0;
}

double Percentile(const std::vector<uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[i] / 1000.0;
}

int Main(int argc, char** argv) {
  std::optional<Options> parsed;
  try {
    parsed = Parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "ocelot-loadgen: " << e.what() << "\n" << kUsage;
    return 2;
  }
  if (!parsed) return 0;
  const Options& o = *parsed;
  if (!o.count_file.empty()) return CountFile(o);
  std::vector<Payload> payloads;
  for (int v = 0; v < std::max(1, o.variants); ++v) {
    Shape shape = o.shape;
    shape.variant = v;
    payloads.push_back(BuildPayload(shape));
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);

  Plan plan;
  plan.start = Clock::now();
  plan.end = plan.start + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(o.duration_s));
  if (o.rate > 0) {
    double requests_per_s = o.rate / o.shape.items_per_request;
    plan.interval =
        std::chrono::nanoseconds(static_cast<int64_t>(1e9 * o.connections / requests_per_s));
  }
  if (o.count > 0) {
    plan.limited = true;
    plan.budget = o.count;
  }
  std::optional<ProcSampler> sampler;
  if (o.pid > 0) sampler.emplace(o.pid, 250);

  std::vector<WorkerResult> results(o.connections);
  std::vector<std::thread> threads;
  for (int i = 0; i < o.connections; ++i) {
    threads.emplace_back([&, i] {
      results[i] = o.protocol == "grpc" ? RunGrpcWorker(o, payloads, plan, i)
                                        : RunHttpWorker(o, payloads, plan);
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - plan.start).count();
  ProcStats proc;
  if (sampler) proc = sampler->Stop();

  WorkerResult total;
  for (auto& r : results) {
    total.sent += r.sent;
    total.accepted += r.accepted;
    total.refused += r.refused;
    total.failed += r.failed;
    total.latency_us.insert(total.latency_us.end(), r.latency_us.begin(), r.latency_us.end());
  }
  std::sort(total.latency_us.begin(), total.latency_us.end());
  const int64_t items = total.accepted * o.shape.items_per_request;
  const double rate = items / elapsed;
  if (o.json) {
    std::printf(
        "{\"signal\":\"%s\",\"protocol\":\"%s\",\"items_per_request\":%d,\"target_rate\":%.0f,"
        "\"seconds\":%.3f,\"sent\":%lld,\"accepted\":%lld,\"refused\":%lld,\"failed\":%lld,"
        "\"accepted_items\":%lld,\"items_per_second\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
        "\"cpu_percent\":%.2f,\"rss_mean_mib\":%.2f,\"rss_peak_mib\":%.2f}\n",
        o.shape.signal.c_str(), o.protocol.c_str(), o.shape.items_per_request, o.rate, elapsed,
        static_cast<long long>(total.sent), static_cast<long long>(total.accepted),
        static_cast<long long>(total.refused), static_cast<long long>(total.failed),
        static_cast<long long>(items), rate, Percentile(total.latency_us, 0.5),
        Percentile(total.latency_us, 0.99), proc.cpu_percent, proc.rss_mean_mib, proc.rss_peak_mib);
  } else {
    std::printf("sent %lld requests of %d %s in %.2f s over %d connection(s) (%s/%s%s)\n",
                static_cast<long long>(total.sent), o.shape.items_per_request,
                o.shape.signal.c_str(), elapsed, o.connections, o.protocol.c_str(),
                o.encoding.c_str(), o.gzip ? "+gzip" : "");
    std::printf("accepted %lld, refused %lld, failed %lld: %.0f %s/s accepted\n",
                static_cast<long long>(total.accepted), static_cast<long long>(total.refused),
                static_cast<long long>(total.failed), rate, o.shape.signal.c_str());
    std::printf("latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n",
                Percentile(total.latency_us, 0.5), Percentile(total.latency_us, 0.9),
                Percentile(total.latency_us, 0.99), Percentile(total.latency_us, 1.0));
    if (o.pid > 0) {
      std::printf("pid %d: cpu %.1f %% of one core, rss mean %.1f MiB, peak %.1f MiB\n", o.pid,
                  proc.cpu_percent, proc.rss_mean_mib, proc.rss_peak_mib);
    }
  }
  curl_global_cleanup();
  return total.failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace ocelot::loadgen

int main(int argc, char** argv) { return ocelot::loadgen::Main(argc, argv); }
