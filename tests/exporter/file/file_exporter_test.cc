#include "exporter/file/file_exporter.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "pdata/otlp_json.h"
#include "testing/otlp_fixtures.h"
#include "testing/temp_dir.h"
#include "testing/test_host.h"

namespace ocelot::exporter::file {
namespace {

using ocelot::testing::MakeLogs;
using ocelot::testing::MakeMetrics;
using ocelot::testing::MakeTraces;
using ocelot::testing::ReadFile;
using ocelot::testing::TempDir;
using ocelot::testing::TestHost;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

class FileExporterTest : public ::testing::Test {
 protected:
  TestHost host;
  TempDir dir;
  Config config;
  void SetUp() override { config.path = dir / "out/data.json"; }
};

TEST_F(FileExporterTest, WritesOneOtlpJsonObjectPerBatchLine) {
  FileExporter e(config, spdlog::default_logger());
  ASSERT_TRUE(e.Start(host).ok());
  pdata::Traces batch(MakeTraces(1, 2));
  batch.Append(MakeTraces(1, 1));  // two chunks become one line
  ASSERT_TRUE(e.Consume(batch).ok());
  ASSERT_TRUE(e.Consume(pdata::Metrics(MakeMetrics(1, 2))).ok());
  ASSERT_TRUE(e.Consume(pdata::Logs(MakeLogs(3))).ok());
  e.Shutdown();
  auto lines = Lines(ReadFile(config.path));
  ASSERT_EQ(lines.size(), 3u);
  pdata::TracesRequest traces;
  ASSERT_TRUE(pdata::ParseOtlpJson(lines[0], &traces).ok()) << lines[0];
  EXPECT_EQ(pdata::CountItems(traces), 3u);
  EXPECT_EQ(traces.resource_spans_size(), 2);
  EXPECT_EQ(lines[0].rfind("{\"resourceSpans\":[{\"resource\":", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("{\"resourceMetrics\":[", 0), 0u);
  EXPECT_EQ(lines[2].rfind("{\"resourceLogs\":[", 0), 0u);
  EXPECT_NE(lines[0].find("\"traceId\":\"01010101010101010101010101010101\""), std::string::npos);
}

TEST_F(FileExporterTest, ProtoFormatIsLengthPrefixed) {
  config.format = "proto";
  FileExporter e(config, spdlog::default_logger());
  ASSERT_TRUE(e.Start(host).ok());
  pdata::Traces batch(MakeTraces(1, 2));
  batch.Append(MakeTraces(1, 3));
  ASSERT_TRUE(e.Consume(batch).ok());
  e.Shutdown();
  std::string data = ReadFile(config.path);
  ASSERT_GT(data.size(), 4u);
  uint32_t len = (static_cast<uint8_t>(data[0]) << 24) | (static_cast<uint8_t>(data[1]) << 16) |
                 (static_cast<uint8_t>(data[2]) << 8) | static_cast<uint8_t>(data[3]);
  ASSERT_EQ(len, data.size() - 4);
  pdata::TracesRequest parsed;
  ASSERT_TRUE(parsed.ParseFromArray(data.data() + 4, static_cast<int>(len)));
  EXPECT_EQ(pdata::CountItems(parsed), 5u);
}

TEST_F(FileExporterTest, NothingIsWrittenTwiceOrLostAcrossFlushes) {
  FileExporter e(config, spdlog::default_logger());
  ASSERT_TRUE(e.Start(host).ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(e.Consume(pdata::Logs(MakeLogs(1))).ok());
  ASSERT_TRUE(e.Flush().ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(e.Consume(pdata::Logs(MakeLogs(1))).ok());
  e.Shutdown();
  EXPECT_EQ(Lines(ReadFile(config.path)).size(), 100u);
}

TEST_F(FileExporterTest, StartFailsWhenTheDirectoryCannotBeCreated) {
  std::ofstream(dir / "blocker") << "x";
  config.path = dir / "blocker/sub/data.json";
  FileExporter e(config, spdlog::default_logger());
  absl::Status s = e.Start(host);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot create directory"), std::string::npos) << s;
}

TEST_F(FileExporterTest, RotationUsesTheConfiguredSize) {
  config.rotation = RotationConfig{1, 0, 3, false};
  FileExporter e(config, spdlog::default_logger());
  ASSERT_TRUE(e.Start(host).ok());
  // ~2.5 MB of spans in 1 MB files: at least two backups.
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(e.Consume(pdata::Traces(MakeTraces(10, 50))).ok());
    ASSERT_TRUE(e.Flush().ok());
  }
  e.Shutdown();
  int backups = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir.path() / "out")) {
    if (f.path().filename() != "data.json") {
      ++backups;
      EXPECT_LE(std::filesystem::file_size(f.path()), 1024u * 1024u);
    }
  }
  EXPECT_GE(backups, 2);
  EXPECT_LE(backups, 3);
}

}  // namespace
}  // namespace ocelot::exporter::file
