// The otlp receiver as a whole: a pipeline that blocks an OTLP/gRPC call holds up gRPC only;
// OTLP/HTTP, on the collector's shared I/O threads, keeps answering.
#include "receiver/otlp/otlp_receiver.h"

#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "testing/otlp_fixtures.h"
#include "testing/recording_consumer.h"
#include "testing/test_host.h"

namespace ocelot::receiver::otlp {
namespace {

// Holds every Consume until released (or 10 s pass), counting the calls that arrived.
class BlockingTraces final : public consumer::Consumer<pdata::Traces> {
 public:
  absl::Status Consume(pdata::Traces) override {
    std::unique_lock lock(mu_);
    ++arrived_;
    cv_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return released_; });
    return absl::OkStatus();
  }
  bool WaitForArrival() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return arrived_ > 0; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;
  bool released_ = false;
};

long PostEmptyMetrics(int port) {
  CURL* curl = curl_easy_init();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/metrics";
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/x-protobuf");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return status;
}

TEST(OtlpReceiverTest, ABlockedGrpcPipelineLeavesHttpAnswering) {
  testing::TestHost host;
  BlockingTraces traces;
  testing::RecordingConsumer<pdata::Metrics> metrics;
  Config config;
  config.grpc.emplace();
  config.grpc->endpoint = "127.0.0.1:0";
  config.http.emplace();
  config.http->endpoint = "127.0.0.1:0";
  OtlpReceiver receiver(config, {&traces, &metrics, nullptr});
  ASSERT_TRUE(receiver.Start(host).ok());

  std::thread blocked([&] {
    auto stub = opentelemetry::proto::collector::trace::v1::TraceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(receiver.grpc_port()),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
    EXPECT_TRUE(stub->Export(&ctx, testing::MakeTraces(1, 1)->message(), &response).ok());
  });
  ASSERT_TRUE(traces.WaitForArrival());
  EXPECT_EQ(PostEmptyMetrics(receiver.http_port()), 200);
  traces.Release();
  blocked.join();
  receiver.Shutdown();
}

}  // namespace
}  // namespace ocelot::receiver::otlp
