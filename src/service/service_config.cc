// Decoding follows the Go collector's order: component sections first (each component
// decodes its own keys strictly), then the service section, then cross-references.
#include "service/service_config.h"

#include <set>

namespace ocelot::service {

using component::Id;
using component::Kind;
using config::Diagnostics;
using config::MapDecoder;
using config::Node;

std::map<Id, ComponentEntry>& ServiceConfig::Section(Kind kind) {
  switch (kind) {
    case Kind::kReceiver:
      return receivers;
    case Kind::kProcessor:
      return processors;
    case Kind::kExporter:
      return exporters;
    case Kind::kExtension:
      return extensions;
  }
  return receivers;
}

const std::map<Id, ComponentEntry>& ServiceConfig::Section(Kind kind) const {
  return const_cast<ServiceConfig*>(this)->Section(kind);
}

namespace {

void DecodeSection(const Node* section, Kind kind, const component::Registry& registry,
                   ServiceConfig* out, Diagnostics* diag) {
  if (section == nullptr || section->is_null()) return;
  const std::string section_name = component::KindSectionName(kind);
  if (!section->is_map()) {
    diag->Error(section->location(), section_name,
                std::string("expected a map of components, got a ") + section->KindName());
    return;
  }
  for (const Node::Entry& e : section->entries()) {
    const std::string path = section_name + "::" + e.key;
    auto id = Id::Parse(e.key);
    if (!id.ok()) {
      diag->Error(e.key_location, path, std::string(id.status().message()));
      continue;
    }
    ComponentEntry entry;
    entry.id = *id;
    entry.location = e.key_location;
    entry.factory = registry.Find(kind, id->type);
    if (entry.factory == nullptr) {
      if (registry.IsPlanned(kind, id->type)) {
        diag->Error(e.key_location, path,
                    "the " + std::string(component::KindName(kind)) + " type \"" + id->type +
                        "\" is not built into this ocelot version yet");
      } else {
        std::string message =
            "unknown " + std::string(component::KindName(kind)) + " type \"" + id->type + "\"";
        auto types = registry.Types(kind);
        if (auto guess = config::ClosestMatch(id->type, types)) {
          message += " (did you mean \"" + *guess + "\"?)";
        } else {
          std::string list;
          for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
          message += " (available: " + list + ")";
        }
        diag->Error(e.key_location, path, message);
      }
      // Keep the entry so pipelines that name it do not report a second, misleading error.
      out->Section(kind).emplace(*id, std::move(entry));
      continue;
    }
    entry.config = entry.factory->CreateDefaultConfig();
    MapDecoder d(e.value, path, diag);
    entry.config->Decode(d);
    d.Finish();
    entry.config->Validate(d);
    out->Section(kind).emplace(*id, std::move(entry));
  }
}

void DecodeTelemetry(MapDecoder& d, TelemetryConfig* t) {
  d.Object("logs", [&](MapDecoder& l) {
    l.Enum("level", &t->log_level,
           {"debug", "info", "warn", "error", "DEBUG", "INFO", "WARN", "ERROR"});
    l.Enum("encoding", &t->log_encoding, {"console", "json"});
    l.Field("output_paths", &t->log_output_paths);
    l.Field("initial_fields", &t->log_initial_fields);
    l.Object("sampling", [&](MapDecoder& s) {
      s.Field("enabled", &t->log_sampling_enabled);
      s.Field("tick", &t->log_sampling_tick);
      s.Field("initial", &t->log_sampling_initial);
      s.Field("thereafter", &t->log_sampling_thereafter);
    });
    // Accepted for compatibility with the Go collector's logger settings; Go-specific.
    bool ignored_bool = false;
    std::vector<std::string> ignored_list;
    l.Field("development", &ignored_bool);
    l.Field("disable_caller", &ignored_bool);
    l.Field("disable_stacktrace", &ignored_bool);
    l.Field("error_output_paths", &ignored_list);
  });
  d.Object("metrics", [&](MapDecoder& m) {
    m.Enum("level", &t->metrics_level, {"none", "basic", "normal", "detailed"});
    t->metrics_address_explicit = m.Peek("address") != nullptr;
    m.Endpoint("address", &t->metrics_address);
    m.Take("readers");
  });
  d.Take("traces");
  d.Field("resource", &t->resource);
}

std::optional<pdata::Signal> ParseSignal(const std::string& type) {
  if (type == "traces") return pdata::Signal::kTraces;
  if (type == "metrics") return pdata::Signal::kMetrics;
  if (type == "logs") return pdata::Signal::kLogs;
  return std::nullopt;
}

void DecodePipelines(MapDecoder& service, ServiceConfig* out, Diagnostics* diag) {
  const Node* pipelines = service.Take("pipelines");
  if (pipelines == nullptr || pipelines->is_null() ||
      (pipelines->is_map() && pipelines->entries().empty())) {
    service.Error("service must have at least one pipeline (service::pipelines)");
    return;
  }
  if (!pipelines->is_map()) {
    diag->Error(pipelines->location(), "service::pipelines",
                std::string("expected a map of pipelines, got a ") + pipelines->KindName());
    return;
  }
  for (const Node::Entry& e : pipelines->entries()) {
    const std::string path = "service::pipelines::" + e.key;
    auto id = Id::Parse(e.key);
    std::optional<pdata::Signal> signal = id.ok() ? ParseSignal(id->type) : std::nullopt;
    if (!signal) {
      diag->Error(e.key_location, path,
                  "unknown pipeline signal \"" + (id.ok() ? id->type : e.key) +
                      "\" (expected traces, metrics or logs, optionally with /name)");
      continue;
    }
    PipelineConfig p;
    p.name = e.key;
    p.signal = *signal;
    p.location = e.key_location;
    MapDecoder d(e.value, path, diag);
    auto ids = [&](const char* key, Kind kind, std::vector<Id>* list) {
      std::vector<std::string> names;
      d.Field(key, &names);
      const Node* node = d.Peek(key);
      std::set<std::string> seen;
      for (size_t i = 0; i < names.size(); ++i) {
        const config::Location& where = node && node->is_sequence() && i < node->items().size()
                                            ? node->items()[i].location()
                                            : e.key_location;
        auto cid = Id::Parse(names[i]);
        if (!cid.ok()) {
          diag->Error(where, path + "::" + key, std::string(cid.status().message()));
          continue;
        }
        if (!seen.insert(names[i]).second) {
          diag->Error(where, path + "::" + key, "\"" + names[i] + "\" is listed twice");
          continue;
        }
        const auto& section = out->Section(kind);
        auto it = section.find(*cid);
        if (it == section.end()) {
          diag->Error(where, path + "::" + key,
                      "references " + std::string(component::KindName(kind)) + " \"" + names[i] +
                          "\" which is not configured in " + component::KindSectionName(kind));
          continue;
        }
        if (it->second.factory && !it->second.factory->Supports(*signal)) {
          diag->Error(where, path + "::" + key,
                      std::string(component::KindName(kind)) + " \"" + names[i] +
                          "\" does not support " + pdata::SignalName(*signal));
          continue;
        }
        list->push_back(*cid);
      }
    };
    ids("receivers", Kind::kReceiver, &p.receivers);
    ids("processors", Kind::kProcessor, &p.processors);
    ids("exporters", Kind::kExporter, &p.exporters);
    auto listed = [&](const char* key) -> size_t {
      const Node* n = d.Peek(key);
      if (n == nullptr || n->is_null()) return 0;
      return n->is_sequence() ? n->items().size() : 1;
    };
    for (const char* key : {"receivers", "exporters"}) {
      if (listed(key) > 0) continue;
      std::string message = std::string("pipeline must have at least one ") + key;
      message.pop_back();  // "receivers" -> "receiver"
      // At the empty list when there is one, else at the pipeline.
      d.Peek(key) ? d.Error(key, message) : d.Error(message);
    }
    d.Finish();
    out->pipelines.push_back(std::move(p));
  }
}

}  // namespace

ServiceConfig DecodeServiceConfig(const Node& root, const component::Registry& registry,
                                  Diagnostics* diag) {
  ServiceConfig out;
  MapDecoder top(root, "", diag);
  DecodeSection(top.Take("receivers"), Kind::kReceiver, registry, &out, diag);
  DecodeSection(top.Take("processors"), Kind::kProcessor, registry, &out, diag);
  DecodeSection(top.Take("exporters"), Kind::kExporter, registry, &out, diag);
  DecodeSection(top.Take("extensions"), Kind::kExtension, registry, &out, diag);
  if (const Node* connectors = top.Take("connectors");
      connectors && connectors->is_map() && !connectors->entries().empty()) {
    diag->Error(connectors->location(), "connectors", "connectors are not built into ocelot yet");
  }
  const Node* service = top.Take("service");
  if (service == nullptr) {
    top.Error("missing the \"service\" section (it names the pipelines to run)");
  } else {
    MapDecoder s(*service, "service", diag);
    s.Object("telemetry", [&](MapDecoder& t) { DecodeTelemetry(t, &out.telemetry); });
    std::vector<std::string> extensions;
    s.Field("extensions", &extensions);
    for (const std::string& name : extensions) {
      auto id = Id::Parse(name);
      if (!id.ok() || out.extensions.find(*id) == out.extensions.end()) {
        s.Error("extensions",
                "references extension \"" + name + "\" which is not configured in extensions");
        continue;
      }
      out.service_extensions.push_back(*id);
    }
    DecodePipelines(s, &out, diag);
    s.Finish();
  }
  top.Finish();
  return out;
}

}  // namespace ocelot::service
