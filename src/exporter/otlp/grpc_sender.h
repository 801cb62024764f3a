// Sends OTLP over gRPC: to a plaintext host:port with ocelot's nghttp2 client (net/grpc_client.h:
// no threads, no gRPC core; OCELOT_GRPC_CLIENT=grpc++ turns it off), otherwise (TLS, a
// balancer_name, gRPC target syntax) with grpc++: one channel per exporter, one unary Export call
// per attempt, with the configured headers as metadata on every call. The batch's chunks are
// serialised back to back into the call's buffer, which is the merged request's encoding, so a
// batch of many chunks is never merged into one message first.
//
// Errors are classified as otelcol's otlpexporter does: CANCELLED, DEADLINE_EXCEEDED, ABORTED,
// OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are retryable; RESOURCE_EXHAUSTED only when the
// server sent a RetryInfo (whose delay is honoured); every other code is permanent.
//
// Threads: Send runs on the queue's consumer threads concurrently; the channel is thread-safe.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <memory>

#include "exporter/otlp/config.h"
#include "exporterhelper/partial_success.h"
#include "exporterhelper/sender.h"
#include "net/grpc_client.h"
#include "telemetry/metrics.h"

namespace ocelot::exporter::otlp {

class GrpcSender final : public exporterhelper::Sender {
 public:
  GrpcSender(const Config& config, const component::CreateSettings& settings);
  ~GrpcSender() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;

  absl::Status Send(const pdata::Traces& batch, exporterhelper::Deadline deadline) override;
  absl::Status Send(const pdata::Metrics& batch, exporterhelper::Deadline deadline) override;
  absl::Status Send(const pdata::Logs& batch, exporterhelper::Deadline deadline) override;

 private:
  template <typename Response, typename BatchT>
  absl::Status ExportOverHttp2(const BatchT& batch, const std::string& method,
                               exporterhelper::Deadline deadline, telemetry::Counter* rejected,
                               const char* noun);
  template <typename Response>
  void ReportPartialSuccess(const std::string& response_bytes, telemetry::Counter* rejected,
                            const char* noun);
  template <typename Response, typename BatchT>
  absl::Status Export(const BatchT& batch, const std::string& method,
                      exporterhelper::Deadline deadline, telemetry::Counter* rejected,
                      const char* noun);

  const Config config_;
  std::shared_ptr<spdlog::logger> logger_;
  exporterhelper::PartialSuccessCounters rejected_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::unique_ptr<net::GrpcClient> h2_;  // plaintext endpoints; then no channel_/stub_
};

// Retryable or permanent, as otelcol's otlpexporter decides for a gRPC status.
absl::Status ClassifyGrpcStatus(const grpc::Status& status, const std::string& endpoint);

}  // namespace ocelot::exporter::otlp
