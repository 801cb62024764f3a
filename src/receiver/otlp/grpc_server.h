// The OTLP/gRPC side of the otlp receiver: the three collector services' Export methods.
// Served by net::GrpcServer (nghttp2 on the collector's shared I/O threads) by default, or by
// gRPC's own server (grpcpp_server.h) with OCELOT_GRPC_SERVER=grpc++ in the environment; both
// decode a request straight into a fresh pipeline chunk and hand it on without a copy.
//
// Threads: the nghttp2 server runs on an I/O thread of its own, not on the collector's shared
// pool: a pipeline that blocks (an exporter without a sending queue waiting on its backend)
// then holds up OTLP/gRPC only, not health_check, zpages or the HTTP receiver. A request is
// decoded and handed to the pipeline on that thread, and answered after the pipeline returns,
// so back-pressure from the pipeline (a retryable error) reaches the client as UNAVAILABLE.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#include "component/component.h"
#include "consumer/consumer.h"
#include "pdata/batch.h"
#include "pdata/client_metadata.h"
#include "receiver/otlp/config.h"
#include "telemetry/obsreport.h"

namespace ocelot::net {
class GrpcServer;
}

namespace ocelot::receiver::otlp {

class GrpcppServer;

// The gRPC status code for a pipeline's verdict: OK, UNAVAILABLE for retryable refusals (the
// client retries), INVALID_ARGUMENT for the rest (it does not).
int GrpcCodeFor(const absl::Status& status);

// What both gRPC servers do with a decoded request: attach the client's metadata (when
// include_metadata is on; `metadata` holds key/value pairs with data() and size()), hand it to
// the pipeline, count it. Returns the pipeline's verdict.
template <typename Request, typename Metadata>
absl::Status Deliver(consumer::Consumer<pdata::Batch<Request>>* next,
                     std::shared_ptr<pdata::Chunk<Request>> chunk, const Metadata* metadata,
                     telemetry::ReceiverTelemetry* telemetry,
                     telemetry::Clock::time_point started) {
  if (metadata != nullptr) {
    auto client = std::make_shared<pdata::ClientMetadata>();
    for (const auto& [key, value] : *metadata) {
      client->Add(std::string_view(key.data(), key.size()),
                  std::string_view(value.data(), value.size()));
    }
    chunk->set_metadata(std::move(client));
  }
  pdata::Batch<Request> batch(std::move(chunk));
  const auto items = static_cast<int64_t>(batch.item_count());
  absl::Status s = next->Consume(std::move(batch));
  if (telemetry != nullptr) telemetry->Record(telemetry::SignalOf<Request>(), items, s, started);
  return s;
}

class GrpcServer {
 public:
  // `telemetry` (borrowed, may be null) counts accepted and refused items.
  GrpcServer(GrpcConfig config, component::NextConsumers next,
             telemetry::ReceiverTelemetry* telemetry = nullptr);
  ~GrpcServer();

  // Binds and starts serving. A busy port fails with "listen on <endpoint>: ...".
  absl::Status Start();
  // Stops accepting, waits for calls being handled (each has been handed to the pipeline).
  void Shutdown();
  int port() const;

  // The implementation Start will use: "nghttp2" or "grpc++" (config, else OCELOT_GRPC_SERVER).
  std::string implementation() const;

 private:
  class Handler;
  GrpcConfig config_;
  component::NextConsumers next_;
  telemetry::ReceiverTelemetry* telemetry_;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<net::GrpcServer> h2_;
  std::unique_ptr<boost::asio::io_context> io_;  // the nghttp2 server's, run by io_thread_
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread io_thread_;
  std::future<void> io_done_;  // ready when io_thread_ has left run()
  std::unique_ptr<GrpcppServer> grpcpp_;
};

}  // namespace ocelot::receiver::otlp
