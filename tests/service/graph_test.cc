#include "service/graph.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "component/factory.h"
#include "testing/otlp_fixtures.h"
#include "testing/recording_consumer.h"
#include "testing/test_host.h"

namespace ocelot::service {
namespace {

using ocelot::testing::MakeTraces;
using ocelot::testing::RecordingConsumer;

struct EmptyConfig final : component::Config {
  void Decode(config::MapDecoder&) override {}
};

// A receiver the test drives by hand: it remembers where the graph routed it.
struct FakeReceiver final : component::Component {
  explicit FakeReceiver(component::NextConsumers n) : next(n) {}
  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  component::NextConsumers next;
};
FakeReceiver* last_receiver = nullptr;

struct FakeReceiverFactory final : component::ReceiverFactory {
  std::string type() const override { return "fake"; }
  component::SignalStability signals() const override {
    return {component::Stability::kStable, component::Stability::kStable,
            component::Stability::kStable};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<EmptyConfig>();
  }
  absl::StatusOr<std::unique_ptr<component::Component>> Create(
      const component::CreateSettings&, const component::Config&,
      const component::NextConsumers& next) const override {
    auto r = std::make_unique<FakeReceiver>(next);
    last_receiver = r.get();
    return r;
  }
};

struct RecordingExporter final : component::ConsumingComponent {
  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  consumer::TracesConsumer* traces() override { return &sink; }
  RecordingConsumer<pdata::Traces> sink;
};
std::vector<RecordingExporter*> exporters;

struct RecordingExporterFactory final : component::ExporterFactory {
  std::string type() const override { return "rec"; }
  component::SignalStability signals() const override {
    return {component::Stability::kStable, component::Stability::kUndefined,
            component::Stability::kUndefined};
  }
  std::unique_ptr<component::Config> CreateDefaultConfig() const override {
    return std::make_unique<EmptyConfig>();
  }
  absl::StatusOr<std::unique_ptr<component::ConsumingComponent>> Create(
      const component::CreateSettings&, const component::Config&) const override {
    auto e = std::make_unique<RecordingExporter>();
    exporters.push_back(e.get());
    return e;
  }
};

ComponentEntry Entry(const component::Factory& f, const std::string& id) {
  ComponentEntry e;
  e.id = *component::Id::Parse(id);
  e.factory = &f;
  e.config = f.CreateDefaultConfig();
  return e;
}

TEST(Graph, SharedReceiverFansOutToEveryPipelineAndExportersAreShared) {
  FakeReceiverFactory rf;
  RecordingExporterFactory ef;
  ServiceConfig cfg;
  cfg.receivers.emplace(*component::Id::Parse("fake"), Entry(rf, "fake"));
  cfg.exporters.emplace(*component::Id::Parse("rec/a"), Entry(ef, "rec/a"));
  cfg.exporters.emplace(*component::Id::Parse("rec/b"), Entry(ef, "rec/b"));
  PipelineConfig p1{"traces", pdata::Signal::kTraces, {{"fake", ""}}, {}, {{"rec", "a"}}, {}};
  PipelineConfig p2{"traces/2", pdata::Signal::kTraces,       {{"fake", ""}},
                    {},         {{"rec", "a"}, {"rec", "b"}}, {}};
  cfg.pipelines = {p1, p2};
  exporters.clear();
  telemetry::MetricsRegistry metrics;
  auto graph = Graph::Build(
      cfg, [](const std::string&) { return spdlog::default_logger(); }, &metrics);
  ASSERT_TRUE(graph.ok()) << graph.status();
  ASSERT_EQ(exporters.size(), 2u);  // rec/a once, although two pipelines use it
  ocelot::testing::TestHost host;
  ASSERT_TRUE((*graph)->Start(host).ok());
  ASSERT_NE(last_receiver->next.traces, nullptr);
  EXPECT_EQ(last_receiver->next.metrics, nullptr);  // no metrics pipeline
  auto chunk = MakeTraces(1, 3);
  ASSERT_TRUE(last_receiver->next.traces->Consume(pdata::Traces(chunk)).ok());
  EXPECT_EQ(exporters[0]->sink.items(), 6u);  // rec/a via both pipelines
  EXPECT_EQ(exporters[1]->sink.items(), 3u);
  // Fan-out shares the chunk; nothing was copied.
  EXPECT_EQ(exporters[1]->sink.batches()[0].entries()[0].chunk.get(), chunk.get());
  (*graph)->Shutdown();
}

}  // namespace
}  // namespace ocelot::service
