#include "component/component.h"

#include "component/factory.h"

namespace ocelot::component {

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kReceiver:
      return "receiver";
    case Kind::kProcessor:
      return "processor";
    case Kind::kExporter:
      return "exporter";
    case Kind::kExtension:
      return "extension";
  }
  return "?";
}

const char* KindSectionName(Kind k) {
  switch (k) {
    case Kind::kReceiver:
      return "receivers";
    case Kind::kProcessor:
      return "processors";
    case Kind::kExporter:
      return "exporters";
    case Kind::kExtension:
      return "extensions";
  }
  return "?";
}

const char* CollectorStatusName(CollectorStatus s) {
  switch (s) {
    case CollectorStatus::kStarting:
      return "starting";
    case CollectorStatus::kRunning:
      return "running";
    case CollectorStatus::kStopping:
      return "stopping";
  }
  return "?";
}

const char* StabilityName(Stability s) {
  switch (s) {
    case Stability::kUndefined:
      return "undefined";
    case Stability::kDevelopment:
      return "development";
    case Stability::kAlpha:
      return "alpha";
    case Stability::kBeta:
      return "beta";
    case Stability::kStable:
      return "stable";
    case Stability::kDeprecated:
      return "deprecated";
  }
  return "?";
}

absl::StatusOr<Id> Id::Parse(std::string_view text) {
  auto valid = [](std::string_view part) {
    if (part.empty()) return false;
    for (char c : part) {
      if (c == ' ' || c == '\t' || c == '/') return false;
    }
    return true;
  };
  Id id;
  size_t slash = text.find('/');
  id.type = std::string(text.substr(0, slash));
  if (slash != std::string_view::npos) id.name = std::string(text.substr(slash + 1));
  if (!valid(id.type) || (slash != std::string_view::npos && !valid(id.name))) {
    return absl::InvalidArgumentError("invalid component id \"" + std::string(text) +
                                      "\" (expected type or type/name)");
  }
  return id;
}

Stability SignalStability::For(pdata::Signal s) const {
  switch (s) {
    case pdata::Signal::kTraces:
      return traces;
    case pdata::Signal::kMetrics:
      return metrics;
    case pdata::Signal::kLogs:
      return logs;
  }
  return Stability::kUndefined;
}

void Registry::Add(std::unique_ptr<Factory> factory) {
  auto key = std::make_pair(factory->kind(), factory->type());
  factories_[key] = std::move(factory);
}

void Registry::AddPlanned(Kind kind, std::string type) { planned_[{kind, std::move(type)}] = true; }

const Factory* Registry::Find(Kind kind, const std::string& type) const {
  auto it = factories_.find({kind, type});
  return it == factories_.end() ? nullptr : it->second.get();
}

bool Registry::IsPlanned(Kind kind, const std::string& type) const {
  return planned_.count({kind, type}) > 0;
}

std::vector<const Factory*> Registry::List(Kind kind) const {
  std::vector<const Factory*> out;
  for (const auto& [key, f] : factories_) {
    if (key.first == kind) out.push_back(f.get());
  }
  return out;
}

std::vector<std::string> Registry::Types(Kind kind) const {
  std::vector<std::string> out;
  for (const Factory* f : List(kind)) out.push_back(f->type());
  return out;
}

}  // namespace ocelot::component
