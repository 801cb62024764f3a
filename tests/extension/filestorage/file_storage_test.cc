// file_storage on LMDB: records survive reopening, keys scan in order, a corrupt or truncated
// file is moved aside and replaced, a store held by another opener is refused after `timeout`,
// compaction shrinks the file, and the option table.
#include "extension/filestorage/file_storage.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <fstream>

#include "config/loader.h"
#include "extension/filestorage/factory.h"
#include "testing/temp_dir.h"
#include "testing/test_host.h"

namespace ocelot::extension::filestorage {
namespace {

namespace fs = std::filesystem;
using exporterhelper::StorageClient;

const component::Id kId{"otlp", ""};

class FileStorageTest : public ::testing::Test {
 protected:
  FileStorageTest() { config_.directory = dir_.path().string(); }

  std::unique_ptr<FileStorage> Make() {
    auto fsx = std::make_unique<FileStorage>(config_, spdlog::default_logger());
    EXPECT_TRUE(fsx->Start(host_).ok());
    return fsx;
  }
  std::unique_ptr<StorageClient> Client(FileStorage& fsx, const std::string& name = "q") {
    auto c = fsx.GetClient(component::Kind::kExporter, kId, name);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }
  std::vector<std::string> Keys(StorageClient& c) {
    std::vector<std::string> keys;
    EXPECT_TRUE(c.Scan("", [&](std::string_view k, std::string_view) {
                   keys.emplace_back(k);
                   return true;
                 }).ok());
    return keys;
  }

  testing::TempDir dir_;
  Config config_;
  testing::TestHost host_;
};

TEST_F(FileStorageTest, RecordsSurviveReopeningAndScanInKeyOrder) {
  {
    auto fsx = Make();
    auto c = Client(*fsx);
    ASSERT_TRUE(c->Set("b", "2").ok());
    ASSERT_TRUE(c->Set("a", "1").ok());
    ASSERT_TRUE(c->Apply({{StorageClient::Operation::Kind::kSet, "c", "3"},
                          {StorageClient::Operation::Kind::kDelete, "b", {}}})
                    .ok());
    fsx->Shutdown();
  }
  auto fsx = Make();
  auto c = Client(*fsx);
  EXPECT_EQ(Keys(*c), (std::vector<std::string>{"a", "c"}));
  auto v = c->Get("c");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value_or(""), "3");
  EXPECT_FALSE(c->Get("b")->has_value());
}

TEST_F(FileStorageTest, ScanStopsAtThePrefix) {
  auto fsx = Make();
  auto c = Client(*fsx);
  for (const char* k : {"a1", "q1", "q2", "r1"}) ASSERT_TRUE(c->Set(k, "x").ok());
  std::vector<std::string> keys;
  ASSERT_TRUE(c->Scan("q", [&](std::string_view k, std::string_view) {
                 keys.emplace_back(k);
                 return true;
               }).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"q1", "q2"}));
}

TEST_F(FileStorageTest, StoresAreNamedAsOtelcolNamesThem) {
  auto fsx = Make();
  EXPECT_EQ(fsx->StorePath(component::Kind::kExporter, kId, "sending_queue").filename(),
            "exporter_otlp__sending_queue");
  EXPECT_EQ(
      fsx->StorePath(component::Kind::kReceiver, component::Id{"otlp", "a b"}, "x").filename(),
      "receiver_otlp_a~20b_x");
}

TEST_F(FileStorageTest, ACorruptStoreIsMovedAsideAndReplacedByAnEmptyOne) {
  auto fsx = Make();
  fs::path path = fsx->StorePath(component::Kind::kExporter, kId, "q");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(20000, 'x');  // not an LMDB file
  }
  auto c = Client(*fsx);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(Keys(*c).empty());
  ASSERT_TRUE(c->Set("k", "v").ok());
  int aside = 0;
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    if (e.path().filename().string().rfind("exporter_otlp__q.corrupt-", 0) == 0) {
      ++aside;
      EXPECT_EQ(fs::file_size(e.path()), 20000u);
    }
  }
  EXPECT_EQ(aside, 1);
}

TEST_F(FileStorageTest, ATruncatedStoreIsMovedAsideToo) {
  auto fsx = Make();
  fs::path path = fsx->StorePath(component::Kind::kExporter, kId, "q");
  {
    auto c = Client(*fsx);
    for (int i = 0; i < 200; ++i)
      ASSERT_TRUE(c->Set("k" + std::to_string(i), std::string(5000, 'v')).ok());
  }
  fs::resize_file(path, fs::file_size(path) / 2);
  auto c = Client(*fsx);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(Keys(*c).empty());
}

TEST_F(FileStorageTest, AStoreInUseIsRefusedAfterTheTimeout) {
  config_.timeout = std::chrono::milliseconds(50);
  auto fsx = Make();
  auto first = Client(*fsx);
  auto second = fsx->GetClient(component::Kind::kExporter, kId, "q");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("in use by another process"), absl::string_view::npos)
      << second.status();
  first.reset();
  EXPECT_TRUE(fsx->GetClient(component::Kind::kExporter, kId, "q").ok());
}

TEST_F(FileStorageTest, CompactionOnStartShrinksAFileWhoseRecordsWereDeleted) {
  fs::path path;
  {
    auto fsx = Make();
    path = fsx->StorePath(component::Kind::kExporter, kId, "q");
    auto c = Client(*fsx);
    for (int i = 0; i < 300; ++i)
      ASSERT_TRUE(c->Set("k" + std::to_string(i), std::string(10000, 'v')).ok());
    for (int i = 0; i < 300; ++i) ASSERT_TRUE(c->Delete("k" + std::to_string(i)).ok());
    ASSERT_TRUE(c->Set("kept", "yes").ok());
  }
  uint64_t before = fs::file_size(path);
  config_.compaction.on_start = true;
  config_.compaction.directory = dir_.path().string();
  auto fsx = Make();
  auto c = Client(*fsx);
  EXPECT_LT(fs::file_size(path), before / 10);
  EXPECT_EQ(c->Get("kept")->value_or(""), "yes");
}

std::vector<std::string> Validate(const std::string& yaml) {
  auto node = config::ParseYaml(yaml, "c.yaml");
  EXPECT_TRUE(node.ok());
  config::Diagnostics diag;
  config::MapDecoder d(*node, "extensions::file_storage", &diag);
  auto cfg = MakeFactory()->CreateDefaultConfig();
  cfg->Decode(d);
  d.Finish();
  cfg->Validate(d);
  return diag.errors();
}

TEST(FileStorageConfig, AcceptsOtelcolKeysAndRequiresExistingDirectories) {
  testing::TempDir dir;
  auto ok =
      Validate("directory: " + dir.path().string() +
               "\ntimeout: 2s\nfsync: true\ncompaction:\n  directory: " + dir.path().string() +
               "\n  on_start: true\n  on_rebound: true\n  max_transaction_size: 1000\n"
               "  rebound_needed_threshold_mib: 50\n  rebound_trigger_threshold_mib: 5\n"
               "  check_interval: 1s\n");
  EXPECT_TRUE(ok.empty()) << ok[0];
  auto missing = Validate("directory: " + dir.path().string() + "/nope\n");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].find("directory must exist"), std::string::npos) << missing[0];
}

}  // namespace
}  // namespace ocelot::extension::filestorage
