// Service::Reload: a good config takes effect; a config that fails to start is rolled back and
// the previous one keeps serving.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd/ocelot/registry.h"
#include "config/loader.h"
#include "integration/collector_process.h"
#include "service/service.h"

namespace ocelot::service {
namespace {

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

ServiceConfig Decode(int http_port) {
  static component::Registry registry = cmd::BuildRegistry();
  auto root = config::ParseYaml(
      "receivers: {otlp: {protocols: {http: {endpoint: 127.0.0.1:" + std::to_string(http_port) +
          "}}}}\nexporters: {nop: {}}\n"
          "service: {pipelines: {traces: {receivers: [otlp], exporters: [nop]}}}\n",
      "reload.yaml");
  EXPECT_TRUE(root.ok());
  config::Diagnostics diag;
  ServiceConfig cfg = DecodeServiceConfig(*root, registry, &diag);
  EXPECT_TRUE(diag.ok());
  return cfg;
}

TEST(Reload, NewConfigTakesEffect) {
  int a = ocelot::testing::FreePort();
  int b = ocelot::testing::FreePort();
  ServiceConfig first = Decode(a);
  ServiceConfig second = Decode(b);
  Service service(1);
  ASSERT_TRUE(service.Start(first).ok());
  EXPECT_TRUE(Accepts(a));
  ASSERT_TRUE(service.Reload(second, first).ok());
  EXPECT_TRUE(Accepts(b));
  EXPECT_FALSE(Accepts(a));
  service.Shutdown();
}

TEST(Reload, ConfigThatFailsToStartIsRolledBack) {
  int a = ocelot::testing::FreePort();
  int busy = ocelot::testing::FreePort();
  int blocker = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(busy));
  ASSERT_EQ(bind(blocker, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(blocker, 1), 0);
  ServiceConfig first = Decode(a);
  ServiceConfig broken = Decode(busy);
  Service service(1);
  ASSERT_TRUE(service.Start(first).ok());
  absl::Status s = service.Reload(broken, first);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("rolled back to the previous configuration"),
            std::string::npos)
      << s;
  EXPECT_TRUE(Accepts(a));  // the previous configuration serves again
  service.Shutdown();
  close(blocker);
}

}  // namespace
}  // namespace ocelot::service
