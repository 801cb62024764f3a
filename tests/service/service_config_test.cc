#include "service/service_config.h"

#include <gtest/gtest.h>

#include "cmd/ocelot/registry.h"
#include "config/loader.h"

namespace ocelot::service {
namespace {

std::vector<std::string> Errors(const std::string& yaml, ServiceConfig* out = nullptr) {
  static component::Registry registry = cmd::BuildRegistry();
  auto root = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(root.ok()) << root.status();
  config::Diagnostics diag;
  ServiceConfig cfg = DecodeServiceConfig(*root, registry, &diag);
  if (out) *out = std::move(cfg);
  return diag.errors();
}

const char kValid[] =
    "receivers: {otlp: {protocols: {grpc: {}}}, nop: {}}\n"
    "processors: {batch: {}, batch/2: {timeout: 1s}}\n"
    "exporters: {nop: {}, debug: {verbosity: detailed}}\n"
    "service:\n"
    "  pipelines:\n"
    "    traces: {receivers: [otlp], processors: [batch, batch/2], exporters: [nop, debug]}\n"
    "    traces/2: {receivers: [otlp, nop], exporters: [nop]}\n"
    "    logs: {receivers: [nop], exporters: [debug]}\n";

TEST(ServiceConfig, DecodesComponentsAndPipelines) {
  ServiceConfig cfg;
  ASSERT_TRUE(Errors(kValid, &cfg).empty());
  EXPECT_EQ(cfg.receivers.size(), 2u);
  EXPECT_EQ(cfg.processors.size(), 2u);
  ASSERT_EQ(cfg.pipelines.size(), 3u);
  EXPECT_EQ(cfg.pipelines[0].name, "traces");
  EXPECT_EQ(cfg.pipelines[0].processors.size(), 2u);
  EXPECT_EQ(cfg.pipelines[1].name, "traces/2");
  EXPECT_EQ(cfg.pipelines[2].signal, pdata::Signal::kLogs);
}

TEST(ServiceConfig, UnknownComponentTypeSuggestsTheClosest) {
  auto errors = Errors(
      "receivers: {otlpp: {}}\nexporters: {nop: {}}\n"
      "service: {pipelines: {traces: {receivers: [otlpp], exporters: [nop]}}}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "c.yaml:1: receivers::otlpp: unknown receiver type \"otlpp\" (did you mean "
            "\"otlp\"?)");
}

TEST(ServiceConfig, PipelineErrorsNameThePipelineAndComponent) {
  auto errors = Errors(
      "receivers: {nop: {}}\nexporters: {nop: {}}\n"
      "service:\n"
      "  pipelines:\n"
      "    traces:\n"
      "      receivers: [nop, missing]\n"
      "      exporters: []\n"
      "    spans: {receivers: [nop], exporters: [nop]}\n");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0],
            "c.yaml:6: service::pipelines::traces::receivers: references receiver \"missing\" "
            "which is not configured in receivers");
  EXPECT_EQ(errors[1],
            "c.yaml:7: service::pipelines::traces::exporters: pipeline must have at least one "
            "exporter");
  EXPECT_EQ(errors[2].rfind("c.yaml:8: service::pipelines::spans: unknown pipeline signal", 0), 0u);
}

TEST(ServiceConfig, MissingServiceAndEmptyPipelinesAreErrors) {
  EXPECT_EQ(Errors("receivers: {nop: {}}\n"),
            std::vector<std::string>{
                "c.yaml:1: missing the \"service\" section (it names the pipelines to run)"});
  auto errors = Errors("service: {pipelines: {}}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("at least one pipeline"), std::string::npos);
}

TEST(ServiceConfig, OtlpReceiverNeedsAProtocol) {
  auto errors = Errors(
      "receivers: {otlp: }\nexporters: {nop: {}}\n"
      "service: {pipelines: {traces: {receivers: [otlp], exporters: [nop]}}}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("must specify at least one protocol"), std::string::npos) << errors[0];
}

TEST(ServiceConfig, TelemetryLogLevelIsDecodedAndChecked) {
  ServiceConfig cfg;
  std::string base =
      "receivers: {nop: {}}\nexporters: {nop: {}}\n"
      "service:\n  pipelines: {traces: {receivers: [nop], exporters: [nop]}}\n";
  ASSERT_TRUE(Errors(base + "  telemetry: {logs: {level: error}}\n", &cfg).empty());
  EXPECT_EQ(cfg.telemetry.log_level, "error");
  auto errors = Errors(base + "  telemetry: {logs: {level: loud}}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("service::telemetry::logs::level: invalid value \"loud\""),
            std::string::npos);
}

}  // namespace
}  // namespace ocelot::service
