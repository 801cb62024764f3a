// The component model: ids, kinds, stability, the Host a component starts with, and the
// instance interface (Start / Shutdown) every receiver, processor, exporter and extension has.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <string_view>

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
