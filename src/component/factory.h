// Factories create components from their typed configs. One factory per component type,
// registered once in the Registry; `ocelot components` prints the registry.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "component/component.h"
#include "config/decoder.h"
#include "pdata/batch.h"

namespace ocelot::component {

// A component's typed configuration: a plain struct with defaults set by its constructor.
class Config {
 public:
  virtual ~Config() = default;
  // Reads every key the component accepts (the component's option table).
  virtual void Decode(config::MapDecoder& d) = 0;
  // Checks values after decoding; reports each problem at its key through d.Error(key, ...).
  virtual void Validate(config::MapDecoder& d) const {}
  // Lines for the start-up banner: where this component listens or writes.
  virtual std::vector<std::string> Summary() const { return {}; }
};

// Stability per signal; kUndefined means the signal is not supported.
struct SignalStability {
  Stability traces = Stability::kUndefined;
  Stability metrics = Stability::kUndefined;
  Stability logs = Stability::kUndefined;
  Stability For(pdata::Signal s) const;
};

class Factory {
 public:
  virtual ~Factory() = default;
  virtual std::string type() const = 0;
  virtual Kind kind() const = 0;
  // For receivers, processors and exporters.
  virtual SignalStability signals() const { return {}; }
  // For extensions.
  virtual Stability stability() const { return Stability::kUndefined; }
  virtual std::unique_ptr<Config> CreateDefaultConfig() const = 0;
  bool Supports(pdata::Signal s) const { return signals().For(s) != Stability::kUndefined; }
};

// One receiver instance serves every pipeline that lists it; `next` routes each signal.
class ReceiverFactory : public Factory {
 public:
  Kind kind() const override { return Kind::kReceiver; }
  virtual absl::StatusOr<std::unique_ptr<Component>> Create(const CreateSettings& settings,
                                                            const Config& config,
                                                            const NextConsumers& next) const = 0;
};

// One processor instance per pipeline, for that pipeline's signal.
class ProcessorFactory : public Factory {
 public:
  Kind kind() const override { return Kind::kProcessor; }
  virtual absl::StatusOr<std::unique_ptr<ConsumingComponent>> Create(
      const CreateSettings& settings, const Config& config, pdata::Signal signal,
      const NextConsumers& next) const = 0;
};

// One exporter instance per id, shared by every pipeline (and signal) that lists it.
class ExporterFactory : public Factory {
 public:
  Kind kind() const override { return Kind::kExporter; }
  virtual absl::StatusOr<std::unique_ptr<ConsumingComponent>> Create(
      const CreateSettings& settings, const Config& config) const = 0;
};

class ExtensionFactory : public Factory {
 public:
  Kind kind() const override { return Kind::kExtension; }
  virtual absl::StatusOr<std::unique_ptr<Component>> Create(const CreateSettings& settings,
                                                            const Config& config) const = 0;
};

// Every component type ocelot knows, by kind. Also knows types that are planned but not built
// yet, so a config using one gets "not built into ocelot yet" rather than "unknown".
class Registry {
 public:
  void Add(std::unique_ptr<Factory> factory);
  void AddPlanned(Kind kind, std::string type);

  const Factory* Find(Kind kind, const std::string& type) const;
  bool IsPlanned(Kind kind, const std::string& type) const;
  std::vector<const Factory*> List(Kind kind) const;  // sorted by type
  std::vector<std::string> Types(Kind kind) const;

 private:
  std::map<std::pair<Kind, std::string>, std::unique_ptr<Factory>> factories_;
  std::map<std::pair<Kind, std::string>, bool> planned_;
};

}  // namespace ocelot::component
