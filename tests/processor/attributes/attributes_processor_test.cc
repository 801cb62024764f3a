// The attributes processor: actions on span, log record and data point attributes, selected by
// include/exclude blocks (strict and regexp), copy-on-write, and strict config decoding.
#include "processor/attributes/attributes_processor.h"

#include <gtest/gtest.h>

#include "config/loader.h"
#include "processor/attributes/factory.h"
#include "testing/otlp_fixtures.h"
#include "testing/recording_consumer.h"

namespace ocelot::processor::attributes {
namespace {

using ocelot::testing::MakeLogs;
using ocelot::testing::MakeMetrics;
using ocelot::testing::MakeTraces;
using ocelot::testing::RecordingConsumer;

struct Decoded {
  std::unique_ptr<component::Config> config;
  std::vector<std::string> errors;
};

Decoded DecodeConfig(const std::string& yaml) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok());
  config::Diagnostics diag;
  config::MapDecoder d(*node, "processors::attributes", &diag);
  Decoded out{MakeFactory()->CreateDefaultConfig(), {}};
  out.config->Decode(d);
  d.Finish();
  out.config->Validate(d);
  out.errors = diag.errors();
  return out;
}

template <typename BatchT>
struct Pipeline {
  RecordingConsumer<BatchT> sink;
  std::unique_ptr<component::ConsumingComponent> processor;
  absl::Status create_status;

  explicit Pipeline(const std::string& yaml) {
    Decoded d = DecodeConfig(yaml);
    EXPECT_TRUE(d.errors.empty()) << d.errors[0];
    component::NextConsumers next;
    pdata::Signal signal;
    if constexpr (std::is_same_v<BatchT, pdata::Traces>) {
      next.traces = &sink;
      signal = pdata::Signal::kTraces;
    } else if constexpr (std::is_same_v<BatchT, pdata::Logs>) {
      next.logs = &sink;
      signal = pdata::Signal::kLogs;
    } else {
      next.metrics = &sink;
      signal = pdata::Signal::kMetrics;
    }
    auto p = MakeFactory()->Create({}, *d.config, signal, next);
    create_status = p.status();
    if (p.ok()) processor = *std::move(p);
  }

  BatchT Run(BatchT batch) {
    absl::Status s;
    if constexpr (std::is_same_v<BatchT, pdata::Traces>) s = processor->traces()->Consume(batch);
    if constexpr (std::is_same_v<BatchT, pdata::Logs>) s = processor->logs()->Consume(batch);
    if constexpr (std::is_same_v<BatchT, pdata::Metrics>) s = processor->metrics()->Consume(batch);
    EXPECT_TRUE(s.ok()) << s;
    auto batches = sink.batches();
    return batches.empty() ? BatchT() : batches.back();
  }
};

std::string Attr(const pdata::Attributes& attrs, const std::string& key) {
  const auto* kv = pdata::FindAttribute(attrs, key);
  return kv ? pdata::AnyValueAsString(kv->value()) : "<absent>";
}

// "span-<r>-<i>" -> value of `key` on that span.
std::map<std::string, std::string> SpanAttr(const pdata::Traces& b, const std::string& key) {
  std::map<std::string, std::string> out;
  for (const auto& e : b.entries()) {
    for (const auto& rs : e.chunk->message().resource_spans()) {
      for (const auto& ss : rs.scope_spans()) {
        for (const auto& span : ss.spans()) out[span.name()] = Attr(span.attributes(), key);
      }
    }
  }
  return out;
}

TEST(AttributesProcessor, ActsOnSpanAttributesNotTheResource) {
  Pipeline<pdata::Traces> p("actions: [{key: db.statement, value: redacted, action: upsert}]\n");
  auto out = p.Run(pdata::Traces(MakeTraces(1, 2)));
  EXPECT_EQ(
      SpanAttr(out, "db.statement"),
      (std::map<std::string, std::string>{{"span-0-0", "redacted"}, {"span-0-1", "redacted"}}));
  const auto& resource = out.entries()[0].chunk->message().resource_spans(0).resource();
  EXPECT_EQ(Attr(resource.attributes(), "db.statement"), "<absent>");
}

TEST(AttributesProcessor, IncludeByServiceSelectsOnlyThatServicesSpans) {
  Pipeline<pdata::Traces> p(
      "include: {match_type: strict, services: [checkout]}\n"
      "actions: [{key: team, value: payments, action: insert}]\n");
  pdata::Traces batch(MakeTraces(1, 1, "checkout"));
  auto other = MakeTraces(1, 1, "frontend");
  other->message().mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name(
      "other");
  batch.Append(other);
  auto out = p.Run(std::move(batch));
  EXPECT_EQ(SpanAttr(out, "team"),
            (std::map<std::string, std::string>{{"span-0-0", "payments"}, {"other", "<absent>"}}));
}

TEST(AttributesProcessor, ExcludeByRegexpMatchesAnywhereInTheName) {
  Pipeline<pdata::Traces> p(
      "exclude: {match_type: regexp, span_names: ['-1$']}\n"
      "actions: [{key: seen, value: true, action: insert}]\n");
  auto out = p.Run(pdata::Traces(MakeTraces(1, 3)));
  EXPECT_EQ(SpanAttr(out, "seen"),
            (std::map<std::string, std::string>{
                {"span-0-0", "true"}, {"span-0-1", "<absent>"}, {"span-0-2", "true"}}));
}

TEST(AttributesProcessor, StrictAttributeMatchingComparesTypesToo) {
  Pipeline<pdata::Traces> p(
      "include:\n"
      "  match_type: strict\n"
      "  attributes: [{key: retry, value: 1}]\n"
      "actions: [{key: flagged, value: yes, action: insert}]\n");
  auto chunk = MakeTraces(1, 2);
  auto* spans = chunk->message().mutable_resource_spans(0)->mutable_scope_spans(0);
  auto* a = spans->mutable_spans(0)->add_attributes();
  a->set_key("retry");
  a->mutable_value()->set_int_value(1);
  auto* b = spans->mutable_spans(1)->add_attributes();
  b->set_key("retry");
  b->mutable_value()->set_string_value("1");
  auto out = p.Run(pdata::Traces(chunk));
  EXPECT_EQ(SpanAttr(out, "flagged"),
            (std::map<std::string, std::string>{{"span-0-0", "yes"}, {"span-0-1", "<absent>"}}));
}

TEST(AttributesProcessor, ResourceAndLibraryConditionsMustAllMatch) {
  Pipeline<pdata::Traces> p(
      "include:\n"
      "  match_type: regexp\n"
      "  resources: [{key: service.name, value: ^svc$}]\n"
      "  libraries: [{name: tes}]\n"
      "actions: [{key: hit, value: 1, action: insert}]\n");
  pdata::Traces batch(MakeTraces(1, 1));
  auto other_scope = MakeTraces(1, 1);
  auto* ss = other_scope->message().mutable_resource_spans(0)->mutable_scope_spans(0);
  ss->mutable_scope()->set_name("other");
  ss->mutable_spans(0)->set_name("other-scope");
  batch.Append(other_scope);
  auto out = p.Run(std::move(batch));
  EXPECT_EQ(SpanAttr(out, "hit"),
            (std::map<std::string, std::string>{{"span-0-0", "1"}, {"other-scope", "<absent>"}}));
}

TEST(AttributesProcessor, LogBodiesFilterStringBodies) {
  Pipeline<pdata::Logs> p(
      "include: {match_type: regexp, log_bodies: ['line [02]']}\n"
      "actions: [{key: picked, value: true, action: insert}]\n");
  auto out = p.Run(pdata::Logs(MakeLogs(3)));
  const auto& records =
      out.entries()[0].chunk->message().resource_logs(0).scope_logs(0).log_records();
  EXPECT_EQ(Attr(records[0].attributes(), "picked"), "true");
  EXPECT_EQ(Attr(records[1].attributes(), "picked"), "<absent>");
  EXPECT_EQ(Attr(records[2].attributes(), "picked"), "true");
}

TEST(AttributesProcessor, MetricsAreSelectedByNameAndEveryDataPointChanges) {
  Pipeline<pdata::Metrics> p(
      "include: {match_type: strict, metric_names: [metric-1]}\n"
      "actions: [{key: host, value: h1, action: upsert}]\n");
  auto out = p.Run(pdata::Metrics(MakeMetrics(2, 3)));
  const auto& metrics =
      out.entries()[0].chunk->message().resource_metrics(0).scope_metrics(0).metrics();
  for (const auto& dp : metrics[0].sum().data_points()) {
    EXPECT_EQ(Attr(dp.attributes(), "host"), "<absent>");
  }
  ASSERT_EQ(metrics[1].sum().data_points_size(), 3);
  for (const auto& dp : metrics[1].sum().data_points()) {
    EXPECT_EQ(Attr(dp.attributes(), "host"), "h1");
  }
}

TEST(AttributesProcessor, AChunkWithNothingSelectedPassesUncopied) {
  Pipeline<pdata::Traces> p(
      "include: {match_type: strict, services: [nobody]}\n"
      "actions: [{key: a, action: delete}]\n");
  auto chunk = MakeTraces(1, 1);
  auto out = p.Run(pdata::Traces(chunk));
  EXPECT_EQ(out.entries()[0].chunk.get(), chunk.get());
}

TEST(AttributesProcessor, LeavesAChunkSharedWithAnotherPipelineUntouched) {
  Pipeline<pdata::Traces> p("actions: [{key: x, value: 1, action: insert}]\n");
  auto shared = MakeTraces(1, 1);
  auto out = p.Run(pdata::Traces(shared));
  EXPECT_EQ(shared->message().resource_spans(0).scope_spans(0).spans(0).attributes_size(), 0);
  EXPECT_EQ(SpanAttr(out, "x")["span-0-0"], "1");
}

TEST(AttributesConfig, ActionsAreRequired) {
  Decoded d = DecodeConfig("include: {match_type: strict, services: [a]}\n");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0], "c.yaml:1: processors::attributes: missing required field \"actions\"");
}

TEST(AttributesConfig, ReportsMatchProblemsAtTheirKeys) {
  Decoded d = DecodeConfig(
      "include:\n"
      "  services: [a]\n"
      "exclude:\n"
      "  match_type: regexp\n"
      "  attributes: [{key: n, value: 5}, {value: x}]\n"
      "  span_names: ['a(']\n"
      "  log_severity_number: {min: INFO}\n"
      "  span_kind: [SPAN_KIND_SERVER]\n"
      "actions: [{key: a, action: delete}]\n");
  ASSERT_EQ(d.errors.size(), 6u) << ::testing::PrintToString(d.errors);
  EXPECT_EQ(d.errors[0],
            "c.yaml:2: processors::attributes::include: match_type must be set: strict or regexp");
  EXPECT_EQ(d.errors[1],
            "c.yaml:5: processors::attributes::exclude::attributes[0]::value: match_type=regexp "
            "for \"n\" only supports Str, but found Int");
  EXPECT_EQ(d.errors[2],
            "c.yaml:5: processors::attributes::exclude::attributes[1]: can't have empty key in "
            "the list of attributes");
  EXPECT_EQ(d.errors[3],
            "c.yaml:7: processors::attributes::exclude::log_severity_number: log_severity_number "
            "is not supported by ocelot yet");
  EXPECT_EQ(d.errors[4],
            "c.yaml:6: processors::attributes::exclude::span_names: invalid regexp \"a(\": "
            "missing ): a(");
  EXPECT_EQ(d.errors[5],
            "c.yaml:8: processors::attributes::exclude: unknown key \"span_kind\" (did you mean "
            "\"span_kinds\"?)");
}

TEST(AttributesConfig, StrictSpanKindsMustBeStandard) {
  Decoded d = DecodeConfig(
      "include: {match_type: strict, span_kinds: [server]}\n"
      "actions: [{key: a, action: delete}]\n");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0],
            "c.yaml:1: processors::attributes::include::span_kinds: span_kinds string must match "
            "one of the standard span kinds when match_type=strict: [SPAN_KIND_CLIENT "
            "SPAN_KIND_CONSUMER SPAN_KIND_INTERNAL SPAN_KIND_PRODUCER SPAN_KIND_SERVER]");
}

TEST(AttributesFactory, RejectsPropertiesThatDoNotSuitTheSignal) {
  Pipeline<pdata::Traces> traces(
      "include: {match_type: strict, log_bodies: [x]}\n"
      "actions: [{key: a, action: delete}]\n");
  EXPECT_EQ(traces.create_status.message(),
            "include: log_bodies should not be specified for trace spans");
  Pipeline<pdata::Logs> logs(
      "exclude: {match_type: strict, services: [x]}\n"
      "actions: [{key: a, action: delete}]\n");
  EXPECT_EQ(logs.create_status.message(),
            "exclude: services, span_names, and span_kinds are not valid for log records");
}

}  // namespace
}  // namespace ocelot::processor::attributes
