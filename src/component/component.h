// The component model: ids, kinds, stability, the Host a component starts with, and the
// instance interface (Start / Shutdown) every receiver, processor, exporter and extension has.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "consumer/consumer.h"
#include "telemetry/metrics.h"

namespace spdlog {
class logger;
}

namespace ocelot::component {

enum class Kind { kReceiver, kProcessor, kExporter, kExtension };
const char* KindName(Kind k);         // "receiver"
const char* KindSectionName(Kind k);  // "receivers", the config section

enum class Stability { kUndefined, kDevelopment, kAlpha, kBeta, kStable, kDeprecated };
const char* StabilityName(Stability s);

// "type" or "type/name", as in the Go collector.
struct Id {
  std::string type;
  std::string name;

  static absl::StatusOr<Id> Parse(std::string_view text);
  std::string ToString() const { return name.empty() ? type : type + "/" + name; }
  bool operator==(const Id&) const = default;
  auto operator<=>(const Id&) const = default;
};

class Component;

// The collector's lifecycle as extensions see it: health_check answers 503 unless kRunning.
enum class CollectorStatus { kStarting, kRunning, kStopping };
const char* CollectorStatusName(CollectorStatus s);  // "starting"

// An extension that also derives from StatusWatcher is told when the collector's status
// changes (Go's extension.PipelineWatcher): kRunning once every component has started,
// kStopping before any is shut down. Called on the thread that starts or stops the service.
class StatusWatcher {
 public:
  virtual ~StatusWatcher() = default;
  virtual void OnCollectorStatus(CollectorStatus status) = 0;
};

struct PipelineDescription {
  std::string name;  // "traces", "traces/name"
  std::vector<Id> receivers;
  std::vector<Id> processors;
  std::vector<Id> exporters;
};

// What the collector runs, for extensions that show it (zpages). Fixed once the service starts.
struct CollectorDescription {
  std::string version;
  std::chrono::system_clock::time_point start_time;
  std::vector<PipelineDescription> pipelines;
  std::vector<Id> extensions;
  std::vector<std::string> summary;  // the start-up banner: where components listen or write
  std::string effective_config;      // YAML, secrets redacted; empty when unknown
  std::vector<std::string> feature_gates;
};

// What a running component may use from the collector. Methods are thread-safe.
class Host {
 public:
  virtual ~Host() = default;
  // The shared I/O pool (HTTP servers, timers, file tailing). Never block on its threads.
  virtual boost::asio::io_context& io_context() = 0;
  // A component that can no longer work (e.g. its server died) reports here; the service
  // shuts down.
  virtual void ReportFatalError(const absl::Status& status) = 0;
  // A running extension by id ("file_storage", "file_storage/q"), or nullptr. Extensions start
  // before every other component, so receivers, processors and exporters can use them.
  virtual Component* GetExtension(const Id& id) { return nullptr; }
  // The running collector's description, or nullptr when there is none (tests' hosts).
  virtual const CollectorDescription* description() const { return nullptr; }
};

class Component {
 public:
  virtual ~Component() = default;
  // Binds ports, opens files, starts timers. An error leaves nothing running.
  virtual absl::Status Start(Host& host) = 0;
  // Stops accepting, flushes what the component holds downstream, releases resources.
  // Called once, after Start succeeded, before destruction.
  virtual void Shutdown() = 0;
};

// Where a receiver or processor sends data; each pointer is borrowed and null for signals
// the pipeline graph does not route.
struct NextConsumers {
  consumer::TracesConsumer* traces = nullptr;
  consumer::MetricsConsumer* metrics = nullptr;
  consumer::LogsConsumer* logs = nullptr;
};

// A component data flows into: processors and exporters.
class ConsumingComponent : public Component {
 public:
  virtual consumer::TracesConsumer* traces() { return nullptr; }
  virtual consumer::MetricsConsumer* metrics() { return nullptr; }
  virtual consumer::LogsConsumer* logs() { return nullptr; }
};

// Handed to every create call.
struct CreateSettings {
  Id id;
  std::shared_ptr<spdlog::logger> logger;
  // The collector's own metrics; never null when created by the service. Components register
  // their counters at create time and update them lock-free.
  telemetry::MetricsRegistry* metrics = nullptr;
};

}  // namespace ocelot::component
