// Every branch of the deployment's profile selection (`ocelot select`, used by deploy/start.sh).
#include "cmd/ocelot/select.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

namespace ocelot::cmd {
namespace {

const std::string kConfigs = std::string(OCELOT_SOURCE_DIR) + "/configs";

config::EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Selection Select(std::map<std::string, std::string> vars) {
  auto s = SelectConfig(Env(std::move(vars)), kConfigs);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : Selection{};
}

const std::map<std::string, std::string> kClickHouse = {
    {"CLICKHOUSE_ENDPOINT", "tcp://clickhouse:9000"}, {"CLICKHOUSE_PASSWORD", "pw"}};
const std::map<std::string, std::string> kGateway = {{"SIGNOZ_ENDPOINT", "ingest.signoz:443"},
                                                     {"SIGNOZ_INGESTION_KEY", "key"}};

std::map<std::string, std::string> With(std::map<std::string, std::string> base,
                                        std::map<std::string, std::string> more) {
  for (auto& [k, v] : more) base[k] = v;
  return base;
}

TEST(Select, NothingSetIsFileOnlyInDevelopment) {
  Selection s = Select({});
  EXPECT_EQ(s.backend, "file");
  EXPECT_EQ(s.environment, "development");
  EXPECT_EQ(s.path, kConfigs + "/file.yaml");
  EXPECT_NE(s.reason.find("no backend is configured"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("LETTA_ENVIRONMENT is not set, so development"), std::string::npos);
  EXPECT_TRUE(s.notes.empty());
}

TEST(Select, ClickHouseUsesTheEnvironmentsProfile) {
  for (auto [env, profile] :
       std::vector<std::pair<std::string, std::string>>{{"", "development"},
                                                        {"development", "development"},
                                                        {"staging", "staging"},
                                                        {"production", "production"}}) {
    auto vars = kClickHouse;
    if (!env.empty()) vars["LETTA_ENVIRONMENT"] = env;
    vars["DD_API_KEY"] = "dd";
    Selection s = Select(vars);
    EXPECT_EQ(s.backend, "clickhouse") << env;
    EXPECT_EQ(s.profile, profile) << env;
    EXPECT_EQ(s.path, kConfigs + "/" + profile + ".yaml");
    EXPECT_NE(s.reason.find("CLICKHOUSE_ENDPOINT and CLICKHOUSE_PASSWORD are set"),
              std::string::npos)
        << s.reason;
    EXPECT_NE(s.reason.find("the " + profile + " profile"), std::string::npos) << s.reason;
    EXPECT_TRUE(s.notes.empty()) << env;
  }
}

TEST(Select, EnvironmentAliasesAndCaseAreAccepted) {
  for (auto [env, profile] : std::vector<std::pair<std::string, std::string>>{
           {"dev", "development"}, {"STAGE", "staging"}, {"Prod", "production"}}) {
    Selection s = Select(With(kClickHouse, {{"LETTA_ENVIRONMENT", env}, {"DD_API_KEY", "x"}}));
    EXPECT_EQ(s.profile, profile) << env;
    EXPECT_NE(s.reason.find("LETTA_ENVIRONMENT=" + env), std::string::npos) << s.reason;
  }
}

TEST(Select, UnknownEnvironmentIsAnError) {
  auto s = SelectConfig(Env({{"LETTA_ENVIRONMENT", "qa"}}), kConfigs);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.status().message()).find("LETTA_ENVIRONMENT is \"qa\""),
            std::string::npos);
}

TEST(Select, ProductionWithoutDatadogKeySaysSo) {
  Selection s = Select(With(kClickHouse, {{"LETTA_ENVIRONMENT", "production"}}));
  EXPECT_EQ(s.profile, "production");
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("DD_API_KEY is not set"), std::string::npos);
}

TEST(Select, GatewayWhenClickHouseIsNotConfigured) {
  Selection s = Select(With(kGateway, {{"LETTA_ENVIRONMENT", "production"}}));
  EXPECT_EQ(s.backend, "gateway");
  EXPECT_EQ(s.environment, "production");
  EXPECT_EQ(s.path, kConfigs + "/gateway.yaml");
  EXPECT_NE(s.reason.find("SIGNOZ_ENDPOINT and SIGNOZ_INGESTION_KEY are set"), std::string::npos);
  EXPECT_TRUE(s.notes.empty());
}

TEST(Select, ClickHouseWinsOverTheGateway) {
  Selection s = Select(With(kClickHouse, kGateway));
  EXPECT_EQ(s.backend, "clickhouse");
}

TEST(Select, HalfAClickHousePairFallsThroughWithANote) {
  for (const char* only : {"CLICKHOUSE_ENDPOINT", "CLICKHOUSE_PASSWORD"}) {
    Selection s = Select(With(kGateway, {{only, "x"}}));
    EXPECT_EQ(s.backend, "gateway") << only;
    ASSERT_EQ(s.notes.size(), 1u) << only;
    EXPECT_EQ(s.notes[0].find(std::string(only) + " is set but"), 0u) << s.notes[0];
  }
}

TEST(Select, HalfAGatewayPairFallsThroughToFileWithANote) {
  Selection s = Select({{"SIGNOZ_INGESTION_KEY", "k"}});
  EXPECT_EQ(s.backend, "file");
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("SIGNOZ_INGESTION_KEY is set but SIGNOZ_ENDPOINT is not"),
            std::string::npos);
}

TEST(Select, EmptyVariablesCountAsUnset) {
  Selection s = Select({{"CLICKHOUSE_ENDPOINT", "tcp://x:9000"}, {"CLICKHOUSE_PASSWORD", ""}});
  EXPECT_EQ(s.backend, "file");
  EXPECT_EQ(s.notes.size(), 1u);
}

TEST(Select, FileOnlyOutsideDevelopmentWarnsThatDataStaysLocal) {
  Selection s = Select({{"LETTA_ENVIRONMENT", "staging"}});
  EXPECT_EQ(s.backend, "file");
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("telemetry stays in files"), std::string::npos);
}

TEST(Select, EveryProfileItCanChooseExists) {
  for (auto vars : std::vector<std::map<std::string, std::string>>{
           {},
           kGateway,
           kClickHouse,
           With(kClickHouse, {{"LETTA_ENVIRONMENT", "staging"}}),
           With(kClickHouse, {{"LETTA_ENVIRONMENT", "production"}})}) {
    Selection s = Select(vars);
    EXPECT_TRUE(std::filesystem::is_regular_file(s.path)) << s.path;
  }
}

TEST(Select, ConfigsDirectoryFlagThenVariable) {
  Options o;
  o.configs_dir = "/from/flag";
  EXPECT_EQ(FindConfigsDir(o, Env({{"OCELOT_CONFIG_DIR", "/from/env"}})), "/from/flag");
  EXPECT_EQ(FindConfigsDir(Options{}, Env({{"OCELOT_CONFIG_DIR", "/from/env"}})), "/from/env");
}

}  // namespace
}  // namespace ocelot::cmd
