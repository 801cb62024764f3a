// Sends OTLP over HTTP with libcurl: one POST per attempt to the signal's URL, protobuf
// (the batch's chunks serialised back to back) or OTLP/JSON, compressed as configured, with the
// configured headers. Connections are kept alive in a small pool of curl handles.
//
// Results are classified as otelcol's otlphttpexporter does: 2xx is success (a partial-success
// body is logged and counted); 429, 502, 503 and 504 are retryable, honouring Retry-After on
// 429 and 503; every other status is permanent; a failed connection or a timeout is retryable.
//
// Threads: Send runs on the queue's consumer threads concurrently; each uses its own handle.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "exporter/otlphttp/config.h"
#include "exporterhelper/partial_success.h"
#include "exporterhelper/sender.h"
#include "net/curl/handle_pool.h"
#include "telemetry/metrics.h"

namespace ocelot::exporter::otlphttp {

class HttpSender final : public exporterhelper::Sender {
 public:
  HttpSender(const Config& config, const component::CreateSettings& settings);
  ~HttpSender() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;

  absl::Status Send(const pdata::Traces& batch, exporterhelper::Deadline deadline) override;
  absl::Status Send(const pdata::Metrics& batch, exporterhelper::Deadline deadline) override;
  absl::Status Send(const pdata::Logs& batch, exporterhelper::Deadline deadline) override;

 private:
  struct Handle;
  template <typename BatchT>
  absl::Status Export(const BatchT& batch, pdata::Signal signal, exporterhelper::Deadline deadline);

  const Config config_;
  std::shared_ptr<spdlog::logger> logger_;
  exporterhelper::PartialSuccessCounters rejected_;
  exporterhelper::TlsMaterial tls_;

  net::HandlePool<Handle> handles_;
};

}  // namespace ocelot::exporter::otlphttp
