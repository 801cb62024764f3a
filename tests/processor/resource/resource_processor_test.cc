// The resource processor: actions reach every resource of every signal, shared chunks are
// copied before they change, and its config decodes strictly.
#include "processor/resource/resource_processor.h"

#include <gtest/gtest.h>

#include "config/expand.h"
#include "config/loader.h"
#include "processor/resource/config.h"
#include "processor/resource/factory.h"
#include "testing/otlp_fixtures.h"
#include "testing/recording_consumer.h"

namespace ocelot::processor::resource {
namespace {

using ocelot::testing::MakeLogs;
using ocelot::testing::MakeTraces;
using ocelot::testing::RecordingConsumer;

struct Decoded {
  std::unique_ptr<component::Config> config;
  std::vector<std::string> errors;
};

Decoded DecodeConfig(const std::string& yaml, const config::EnvLookup& env = nullptr) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok());
  if (env) {
    std::vector<std::string> warnings;
    EXPECT_TRUE(config::ExpandTree(&*node, env, &warnings).ok());
  }
  config::Diagnostics diag;
  config::MapDecoder d(*node, "processors::resource", &diag);
  Decoded out{MakeFactory()->CreateDefaultConfig(), {}};
  out.config->Decode(d);
  d.Finish();
  out.config->Validate(d);
  out.errors = diag.errors();
  return out;
}

template <typename BatchT>
consumer::Consumer<BatchT>* As(component::ConsumingComponent* c) {
  if constexpr (std::is_same_v<BatchT, pdata::Traces>) return c->traces();
  if constexpr (std::is_same_v<BatchT, pdata::Logs>) return c->logs();
}

std::string ResourceAttr(const pdata::TracesRequest& r, int i, const std::string& key) {
  const auto* kv = pdata::FindAttribute(r.resource_spans(i).resource().attributes(), key);
  return kv ? kv->value().string_value() : "<absent>";
}

TEST(ResourceProcessor, UpsertsIntoEveryResourceOfTheBatch) {
  Decoded d = DecodeConfig("attributes: [{key: environment, value: prod, action: upsert}]\n");
  ASSERT_TRUE(d.errors.empty()) << d.errors[0];
  RecordingConsumer<pdata::Traces> sink;
  component::NextConsumers next;
  next.traces = &sink;
  auto p = MakeFactory()->Create({}, *d.config, pdata::Signal::kTraces, next);
  ASSERT_TRUE(p.ok()) << p.status();
  pdata::Traces batch(MakeTraces(3, 2));
  batch.Append(MakeTraces(1, 1));
  ASSERT_TRUE((*p)->traces()->Consume(std::move(batch)).ok());
  auto out = sink.batches();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].item_count(), 7u);
  for (const auto& e : out[0].entries()) {
    for (int i = 0; i < e.chunk->message().resource_spans_size(); ++i) {
      EXPECT_EQ(ResourceAttr(e.chunk->message(), i, "environment"), "prod");
      EXPECT_EQ(ResourceAttr(e.chunk->message(), i, "service.name"), "svc");
    }
  }
}

TEST(ResourceProcessor, LeavesAChunkSharedWithAnotherPipelineUntouched) {
  Decoded d = DecodeConfig("attributes: [{key: service.name, action: delete}]\n");
  ASSERT_TRUE(d.errors.empty());
  RecordingConsumer<pdata::Traces> sink;
  component::NextConsumers next;
  next.traces = &sink;
  auto p = MakeFactory()->Create({}, *d.config, pdata::Signal::kTraces, next);
  ASSERT_TRUE(p.ok());
  auto shared = MakeTraces(1, 1);
  ASSERT_TRUE((*p)->traces()->Consume(pdata::Traces(shared)).ok());
  EXPECT_EQ(ResourceAttr(shared->message(), 0, "service.name"), "svc");
  EXPECT_EQ(ResourceAttr(sink.batches()[0].entries()[0].chunk->message(), 0, "service.name"),
            "<absent>");
}

TEST(ResourceProcessor, AnUnsetEnvironmentVariableUpsertsAnEmptyStringIntoLogs) {
  // The reference prod config: `value: ${env:LETTA_ENVIRONMENT}` with the variable unset.
  auto unset = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  Decoded d = DecodeConfig(
      "attributes:\n"
      "  - key: environment\n"
      "    value: ${env:LETTA_ENVIRONMENT}\n"
      "    action: upsert\n",
      unset);
  ASSERT_TRUE(d.errors.empty()) << d.errors[0];
  RecordingConsumer<pdata::Logs> sink;
  component::NextConsumers next;
  next.logs = &sink;
  auto p = MakeFactory()->Create({}, *d.config, pdata::Signal::kLogs, next);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE((*p)->logs()->Consume(pdata::Logs(MakeLogs(2))).ok());
  const auto& r = sink.batches()[0].entries()[0].chunk->message();
  const auto* kv = pdata::FindAttribute(r.resource_logs(0).resource().attributes(), "environment");
  ASSERT_NE(kv, nullptr);
  EXPECT_EQ(kv->value().value_case(), pdata::AnyValue::kStringValue);
  EXPECT_EQ(kv->value().string_value(), "");
}

TEST(ResourceProcessor, PassesTheNextConsumersErrorBack) {
  Decoded d = DecodeConfig("attributes: [{key: a, value: b, action: insert}]\n");
  RecordingConsumer<pdata::Traces> sink;
  sink.FailWith(consumer::Retryable("queue full"));
  component::NextConsumers next;
  next.traces = &sink;
  auto p = MakeFactory()->Create({}, *d.config, pdata::Signal::kTraces, next);
  ASSERT_TRUE(p.ok());
  absl::Status s = (*p)->traces()->Consume(pdata::Traces(MakeTraces(1, 1)));
  EXPECT_TRUE(consumer::IsRetryable(s)) << s;
}

TEST(ResourceConfig, AttributesAreRequired) {
  Decoded d = DecodeConfig("{}\n");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0], "c.yaml:1: processors::resource: missing required field \"attributes\"");
}

TEST(ResourceConfig, UnknownKeysAndBadActionsAreReportedWithTheirLine) {
  Decoded d = DecodeConfig(
      "attributes:\n"
      "  - key: environment\n"
      "    action: upsert\n"
      "    from_atribute: env\n"
      "atributes: []\n");
  ASSERT_EQ(d.errors.size(), 3u) << ::testing::PrintToString(d.errors);
  EXPECT_EQ(d.errors[0],
            "c.yaml:4: processors::resource::attributes[0]: unknown key \"from_atribute\" (did "
            "you mean \"from_attribute\"?)");
  EXPECT_EQ(d.errors[1],
            "c.yaml:2: processors::resource::attributes[0]: either field \"value\", "
            "\"from_attribute\" or \"from_context\" must be set for action \"upsert\"");
  EXPECT_EQ(d.errors[2],
            "c.yaml:5: processors::resource: unknown key \"atributes\" (did you mean "
            "\"attributes\"?)");
}

}  // namespace
}  // namespace ocelot::processor::resource
