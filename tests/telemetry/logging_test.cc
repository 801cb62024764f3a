// service::telemetry::logs: JSON and console encodings, initial fields, output files, and zap's
// sampling of repeated lines.
#include "telemetry/logging.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "testing/temp_dir.h"

namespace ocelot::telemetry {
namespace {

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

TEST(Logging, JsonLinesWithInitialFieldsGoToTheOutputFile) {
  testing::TempDir dir;
  LogsSettings s;
  s.encoding = "json";
  s.output_paths = {dir / "ocelot.log"};
  s.initial_fields = {{"deployment", "eu-1"}};
  s.level = "warn";
  auto logger = BuildLogger("ocelot", s);
  ASSERT_TRUE(logger.ok()) << logger.status();
  (*logger)->info("not shown at level warn");
  (*logger)->warn("disk \"almost\" full");
  (*logger)->flush();
  const std::string text = testing::ReadFile(dir / "ocelot.log");
  EXPECT_EQ(text.find("not shown"), std::string::npos) << text;
  EXPECT_NE(text.find("{\"level\":\"warn\",\"ts\":\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"logger\":\"ocelot\",\"msg\":\"disk \\\"almost\\\" full\","
                      "\"deployment\":\"eu-1\"}\n"),
            std::string::npos)
      << text;
}

TEST(Logging, ConsoleLinesCarryInitialFields) {
  testing::TempDir dir;
  LogsSettings s;
  s.output_paths = {dir / "ocelot.log"};
  s.initial_fields = {{"k", "v"}};
  auto logger = BuildLogger("ocelot", s);
  ASSERT_TRUE(logger.ok());
  (*logger)->error("boom");
  (*logger)->flush();
  const std::string text = testing::ReadFile(dir / "ocelot.log");
  EXPECT_NE(text.find("boom\t{\"k\": \"v\"}\n"), std::string::npos) << text;
}

TEST(Logging, UnwritableOutputPathIsAnError) {
  testing::TempDir dir;
  std::ofstream(dir / "plain-file") << "x";
  const std::string path = dir / "plain-file/ocelot.log";  // under a file: cannot be created
  LogsSettings s;
  s.output_paths = {path};
  auto logger = BuildLogger("ocelot", s);
  ASSERT_FALSE(logger.ok());
  EXPECT_NE(std::string(logger.status().message()).find(path), std::string::npos);
}

TEST(Logging, SamplingKeepsTheFirstThenEveryNth) {
  std::ostringstream out;
  auto inner = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto sink = MakeSamplingSink(inner, std::chrono::hours(1), /*initial=*/3, /*thereafter=*/10);
  spdlog::logger logger("t", sink);
  logger.set_pattern("%v");
  for (int i = 0; i < 25; ++i) logger.info("same line");
  logger.info("another line");
  const std::string text = out.str();
  // 1, 2, 3, then the 13th and 23rd.
  EXPECT_EQ(Count(text, "same line"), 5) << text;
  EXPECT_EQ(Count(text, "another line"), 1) << text;
}

}  // namespace
}  // namespace ocelot::telemetry
