// timeout / retry_on_failure / sending_queue: otelcol 0.96's keys, defaults and messages.
#include "exporterhelper/settings.h"

#include <gtest/gtest.h>

#include "config/loader.h"

namespace ocelot::exporterhelper {
namespace {

std::vector<std::string> Decode(const std::string& yaml, Settings* s) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok());
  config::Diagnostics diag;
  config::MapDecoder d(*node, "exporters::otlp", &diag);
  DecodeTimeout(d, &s->timeout);
  DecodeRetry(d, &s->retry);
  DecodeQueue(d, &s->queue);
  d.Finish();
  if (diag.ok()) {
    ValidateTimeout(d, s->timeout);
    ValidateRetry(d, s->retry);
    ValidateQueue(d, s->queue);
  }
  return diag.errors();
}

TEST(ExporterHelperSettings, DefaultsAreOtelcols) {
  Settings s;
  EXPECT_TRUE(Decode("{}", &s).empty());
  EXPECT_EQ(s.timeout.timeout, std::chrono::seconds(5));
  EXPECT_TRUE(s.retry.enabled);
  EXPECT_EQ(s.retry.initial_interval, std::chrono::seconds(5));
  EXPECT_EQ(s.retry.randomization_factor, 0.5);
  EXPECT_EQ(s.retry.multiplier, 1.5);
  EXPECT_EQ(s.retry.max_interval, std::chrono::seconds(30));
  EXPECT_EQ(s.retry.max_elapsed_time, std::chrono::seconds(300));
  EXPECT_TRUE(s.queue.enabled);
  EXPECT_EQ(s.queue.num_consumers, 10);
  EXPECT_EQ(s.queue.queue_size, 1000);
  EXPECT_FALSE(s.queue.storage.has_value());
}

TEST(ExporterHelperSettings, DecodesEveryKey) {
  Settings s;
  auto errors = Decode(
      "timeout: 10s\n"
      "retry_on_failure:\n"
      "  enabled: true\n"
      "  initial_interval: 1s\n"
      "  randomization_factor: 0.1\n"
      "  multiplier: 2\n"
      "  max_interval: 10s\n"
      "  max_elapsed_time: 0\n"
      "sending_queue:\n"
      "  enabled: true\n"
      "  num_consumers: 2\n"
      "  queue_size: 50\n"
      "  storage: file_storage/q\n",
      &s);
  EXPECT_TRUE(errors.empty()) << errors[0];
  EXPECT_EQ(s.timeout.timeout, std::chrono::seconds(10));
  EXPECT_EQ(s.retry.initial_interval, std::chrono::seconds(1));
  EXPECT_EQ(s.retry.randomization_factor, 0.1);
  EXPECT_EQ(s.retry.multiplier, 2);
  EXPECT_EQ(s.retry.max_elapsed_time.count(), 0);
  EXPECT_EQ(s.queue.num_consumers, 2);
  EXPECT_EQ(s.queue.queue_size, 50);
  ASSERT_TRUE(s.queue.storage.has_value());
  EXPECT_EQ(s.queue.storage->ToString(), "file_storage/q");
}

TEST(ExporterHelperSettings, ReportsInvalidValuesAtTheirKeys) {
  Settings s;
  auto errors = Decode(
      "timeout: -1s\n"
      "retry_on_failure:\n"
      "  randomization_factor: 2\n"
      "  max_elapsed_time: 1s\n"
      "sending_queue:\n"
      "  queue_size: 0\n"
      "  num_consumers: 0\n",
      &s);
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  EXPECT_NE(all.find("c.yaml:1: exporters::otlp::timeout: 'timeout' must be non-negative"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("c.yaml:3: exporters::otlp::retry_on_failure::randomization_factor: "
                     "'randomization_factor' must be within [0, 1]"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("'max_elapsed_time' must not be less than 'initial_interval'"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("c.yaml:6: exporters::otlp::sending_queue::queue_size: queue size must be "
                     "positive"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("number of queue consumers must be positive"), std::string::npos) << all;
}

TEST(ExporterHelperSettings, DisabledSectionsAreNotValidated) {
  Settings s;
  EXPECT_TRUE(Decode("retry_on_failure: {enabled: false, multiplier: -1}\n"
                     "sending_queue: {enabled: false, queue_size: 0}\n",
                     &s)
                  .empty());
}

TEST(ExporterHelperSettings, UnknownKeysAreErrors) {
  Settings s;
  auto errors = Decode("sending_queue:\n  queue_sise: 5\n", &s);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("did you mean \"queue_size\""), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace ocelot::exporterhelper
