#include "service/graph.h"

#include <spdlog/spdlog.h>

#include <set>

#include "exporterhelper/journal.h"

namespace ocelot::service {

using component::ConsumingComponent;
using component::Id;
using component::NextConsumers;

namespace {

template <typename BatchT>
consumer::Consumer<BatchT>* ConsumerOf(ConsumingComponent* c) {
  if constexpr (std::is_same_v<BatchT, pdata::Traces>) return c->traces();
  if constexpr (std::is_same_v<BatchT, pdata::Metrics>) return c->metrics();
  if constexpr (std::is_same_v<BatchT, pdata::Logs>) return c->logs();
}

template <typename BatchT>
consumer::Consumer<BatchT>*& Slot(NextConsumers& n) {
  if constexpr (std::is_same_v<BatchT, pdata::Traces>) return n.traces;
  if constexpr (std::is_same_v<BatchT, pdata::Metrics>) return n.metrics;
  if constexpr (std::is_same_v<BatchT, pdata::Logs>) return n.logs;
}

// Puts an entrance journal between receiver `id` and the pipelines it feeds, for each signal
// whose pipelines hold data in processors before exporters with persistent queues, so a client
// is answered OK only once its data is on disk (exporterhelper/journal.h). Rewrites `next`.
std::unique_ptr<exporterhelper::Journal> MaybeJournal(
    const ServiceConfig& config, const Id& id, const std::map<Id, ConsumingComponent*>& exporters,
    const component::CreateSettings& settings, NextConsumers* next) {
  NextConsumers journaled;
  std::optional<Id> storage;
  auto consider = [&]<typename BatchT>(BatchT*, pdata::Signal signal) {
    if (Slot<BatchT>(*next) == nullptr) return;
    std::vector<exporterhelper::FedPipeline> fed;
    for (const PipelineConfig& p : config.pipelines) {
      if (p.signal != signal ||
          std::find(p.receivers.begin(), p.receivers.end(), id) == p.receivers.end()) {
        continue;
      }
      exporterhelper::FedPipeline f;
      f.has_processors = !p.processors.empty();
      for (const Id& e : p.exporters) f.exporters.push_back(exporters.at(e));
      fed.push_back(std::move(f));
    }
    if (auto s = exporterhelper::JournalStorageFor(fed)) {
      Slot<BatchT>(journaled) = Slot<BatchT>(*next);
      if (!storage) storage = s;
    }
  };
  consider(static_cast<pdata::Traces*>(nullptr), pdata::Signal::kTraces);
  consider(static_cast<pdata::Metrics*>(nullptr), pdata::Signal::kMetrics);
  consider(static_cast<pdata::Logs*>(nullptr), pdata::Signal::kLogs);
  if (!storage) return nullptr;
  auto journal = std::make_unique<exporterhelper::Journal>(settings, *storage, journaled);
  NextConsumers entrances = journal->entrances();
  if (entrances.traces) next->traces = entrances.traces;
  if (entrances.metrics) next->metrics = entrances.metrics;
  if (entrances.logs) next->logs = entrances.logs;
  return journal;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Graph>> Graph::Build(
    const ServiceConfig& config,
    const std::function<std::shared_ptr<spdlog::logger>(const std::string&)>& logger_for,
    telemetry::MetricsRegistry* metrics) {
  std::unique_ptr<Graph> g(new Graph());
  auto settings_for = [&](const Id& id, const std::string& kind) {
    component::CreateSettings s;
    s.id = id;
    s.logger = logger_for(kind + "/" + id.ToString());
    s.metrics = metrics;
    return s;
  };
  auto fail = [](const std::string& what, const absl::Status& s) {
    return absl::Status(s.code(), what + ": " + std::string(s.message()));
  };

  for (const Id& id : config.service_extensions) {
    const ComponentEntry& e = config.extensions.at(id);
    auto* f = static_cast<const component::ExtensionFactory*>(e.factory);
    auto c = f->Create(settings_for(id, "extension"), *e.config);
    if (!c.ok()) return fail("extension " + id.ToString(), c.status());
    g->extensions_by_id_[id] = c->get();
    g->extensions_.push_back(Node{"extension " + id.ToString(), *std::move(c)});
    for (auto& line : e.config->Summary()) g->summary_.push_back(id.ToString() + ": " + line);
  }

  // Exporters: one instance per id that some pipeline uses.
  std::map<Id, ConsumingComponent*> exporters;
  for (const PipelineConfig& p : config.pipelines) {
    for (const Id& id : p.exporters) {
      if (exporters.count(id)) continue;
      const ComponentEntry& e = config.exporters.at(id);
      auto* f = static_cast<const component::ExporterFactory*>(e.factory);
      auto c = f->Create(settings_for(id, "exporter"), *e.config);
      if (!c.ok()) return fail("exporter " + id.ToString(), c.status());
      exporters[id] = c->get();
      g->exporters_.push_back(Node{"exporter " + id.ToString(), *std::move(c)});
      for (auto& line : e.config->Summary()) g->summary_.push_back(id.ToString() + ": " + line);
    }
  }

  // Pipelines, built back to front: exporters' fan-out, then processors last to first.
  std::vector<NextConsumers> entries(config.pipelines.size());
  for (size_t pi = 0; pi < config.pipelines.size(); ++pi) {
    const PipelineConfig& p = config.pipelines[pi];
    g->pipeline_processors_.emplace_back();
    auto build = [&]<typename BatchT>(BatchT*) -> absl::Status {
      std::vector<consumer::Consumer<BatchT>*> outs;
      for (const Id& id : p.exporters) outs.push_back(ConsumerOf<BatchT>(exporters[id]));
      auto fan = std::make_shared<consumer::FanOut<BatchT>>(outs);
      g->fanouts_.push_back(fan);
      consumer::Consumer<BatchT>* next = fan.get();
      std::vector<Node> processors;
      for (auto it = p.processors.rbegin(); it != p.processors.rend(); ++it) {
        const ComponentEntry& e = config.processors.at(*it);
        auto* f = static_cast<const component::ProcessorFactory*>(e.factory);
        NextConsumers n;
        Slot<BatchT>(n) = next;
        auto c = f->Create(settings_for(*it, "processor"), *e.config, p.signal, n);
        if (!c.ok()) {
          return fail("processor " + it->ToString() + " in pipeline " + p.name, c.status());
        }
        next = ConsumerOf<BatchT>(c->get());
        processors.insert(
            processors.begin(),
            Node{"processor " + it->ToString() + " in pipeline " + p.name, *std::move(c)});
      }
      g->pipeline_processors_.back() = std::move(processors);
      Slot<BatchT>(entries[pi]) = next;
      return absl::OkStatus();
    };
    absl::Status s;
    switch (p.signal) {
      case pdata::Signal::kTraces:
        s = build(static_cast<pdata::Traces*>(nullptr));
        break;
      case pdata::Signal::kMetrics:
        s = build(static_cast<pdata::Metrics*>(nullptr));
        break;
      case pdata::Signal::kLogs:
        s = build(static_cast<pdata::Logs*>(nullptr));
        break;
    }
    if (!s.ok()) return s;
  }

  // Receivers: one instance per id, routing each signal to every pipeline that lists it.
  std::vector<Id> receiver_ids;
  for (const PipelineConfig& p : config.pipelines) {
    for (const Id& id : p.receivers) {
      if (std::find(receiver_ids.begin(), receiver_ids.end(), id) == receiver_ids.end()) {
        receiver_ids.push_back(id);
      }
    }
  }
  std::vector<Node> journals;
  for (const Id& id : receiver_ids) {
    NextConsumers next;
    auto route = [&]<typename BatchT>(BatchT*) {
      std::vector<consumer::Consumer<BatchT>*> targets;
      for (size_t pi = 0; pi < config.pipelines.size(); ++pi) {
        const PipelineConfig& p = config.pipelines[pi];
        if (std::find(p.receivers.begin(), p.receivers.end(), id) == p.receivers.end()) continue;
        if (auto* c = Slot<BatchT>(entries[pi])) targets.push_back(c);
      }
      if (targets.empty()) return;
      if (targets.size() == 1) {
        Slot<BatchT>(next) = targets[0];
        return;
      }
      auto fan = std::make_shared<consumer::FanOut<BatchT>>(targets);
      g->fanouts_.push_back(fan);
      Slot<BatchT>(next) = fan.get();
    };
    route(static_cast<pdata::Traces*>(nullptr));
    route(static_cast<pdata::Metrics*>(nullptr));
    route(static_cast<pdata::Logs*>(nullptr));
    if (auto journal = MaybeJournal(config, id, exporters, settings_for(id, "receiver"), &next)) {
      journals.push_back(Node{"journal of receiver " + id.ToString(), std::move(journal)});
    }
    const ComponentEntry& e = config.receivers.at(id);
    auto* f = static_cast<const component::ReceiverFactory*>(e.factory);
    auto c = f->Create(settings_for(id, "receiver"), *e.config, next);
    if (!c.ok()) return fail("receiver " + id.ToString(), c.status());
    g->receivers_.push_back(Node{"receiver " + id.ToString(), *std::move(c)});
    for (auto& line : e.config->Summary()) g->summary_.push_back(id.ToString() + ": " + line);
  }
  // As a last processor stage: journals start after every processor (they pass on what the
  // previous run left) and stop after every processor has flushed into the exporters.
  if (!journals.empty()) g->pipeline_processors_.push_back(std::move(journals));
  return g;
}

absl::Status Graph::Start(component::Host& host) {
  std::vector<Node*> order;
  for (Node& n : extensions_) order.push_back(&n);
  for (Node& n : exporters_) order.push_back(&n);
  for (auto& pipeline : pipeline_processors_) {
    for (auto it = pipeline.rbegin(); it != pipeline.rend(); ++it) order.push_back(&*it);
  }
  for (Node& n : receivers_) order.push_back(&n);
  for (Node* n : order) {
    absl::Status s = n->component->Start(host);
    if (!s.ok()) {
      Shutdown();
      return absl::Status(s.code(), n->label + ": " + std::string(s.message()));
    }
    n->started = true;
  }
  return absl::OkStatus();
}

void Graph::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  auto stop = [](Node& n) {
    if (!n.started) return;
    n.component->Shutdown();
    n.started = false;
  };
  for (Node& n : receivers_) stop(n);
  for (auto& pipeline : pipeline_processors_) {
    for (Node& n : pipeline) stop(n);
  }
  for (Node& n : exporters_) stop(n);
  for (auto it = extensions_.rbegin(); it != extensions_.rend(); ++it) stop(*it);
}

std::vector<std::string> Graph::Summary() const { return summary_; }

component::Component* Graph::extension(const component::Id& id) const {
  auto it = extensions_by_id_.find(id);
  return it == extensions_by_id_.end() ? nullptr : it->second;
}

}  // namespace ocelot::service
