#include "exporter/otlp/grpc_sender.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "config/values.h"
#include "exporterhelper/rpc_status.h"
#include "net/grpc_frame.h"

namespace ocelot::exporter::otlp {
namespace {

constexpr char kTracesMethod[] = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
constexpr char kMetricsMethod[] = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
constexpr char kLogsMethod[] = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

// gRPC's reconnect back-off grows to 120 s by default; after a long outage that would leave
// the channel idle well past the backend's recovery while the retry loop (at most
// max_interval, 30 s by default) keeps failing fast. Cap it at the retry loop's pace.
constexpr int kMaxReconnectBackoffMs = 30000;

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "Canceled";
    case grpc::StatusCode::UNKNOWN:
      return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FailedPrecondition";
    case grpc::StatusCode::ABORTED:
      return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "Unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "Internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "Unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "Unauthenticated";
    default:
      return "Unknown";
  }
}

// The merged request's encoding is its chunks' encodings back to back (protobuf concatenation
// merges repeated fields). EncodedSize caches each chunk's size for EncodeTo.
template <typename BatchT>
size_t EncodedSize(const BatchT& batch) {
  size_t total = 0;
  for (const auto& e : batch.entries()) total += e.chunk->message().ByteSizeLong();
  return total;
}

template <typename BatchT>
void EncodeTo(const BatchT& batch, uint8_t* out) {
  for (const auto& e : batch.entries()) {
    out = e.chunk->message().SerializeWithCachedSizesToArray(out);
  }
}

// For the nghttp2 client: serialised straight into the gRPC frame.
template <typename BatchT>
std::string SerializeToFrame(const BatchT& batch) {
  std::string frame = net::NewGrpcFrame(EncodedSize(batch));
  EncodeTo(batch, reinterpret_cast<uint8_t*>(frame.data() + net::kGrpcFrameHeaderBytes));
  return frame;
}

// The nghttp2 client serves endpoints it can reach by itself: plaintext host:port, no load
// balancing policy. gRPC target syntax (dns:///, unix:, ipv4:...) and TLS stay with grpc++.
std::optional<net::GrpcClientOptions> PlainHttp2Options(const Config& config) {
  if (config.UsesTls() || !config.balancer_name.empty()) return std::nullopt;
  if (const char* env = std::getenv("OCELOT_GRPC_CLIENT"); env && std::string(env) == "grpc++") {
    return std::nullopt;
  }
  const std::string endpoint = config.SanitizedEndpoint();
  if (endpoint.find('/') != std::string::npos) return std::nullopt;
  auto hp = config::ParseEndpoint(endpoint);
  if (!hp.ok() || hp->host.empty() || hp->port == 0) return std::nullopt;
  net::GrpcClientOptions options;
  options.host = hp->host;
  options.port = static_cast<uint16_t>(hp->port);
  options.authority = config.authority;
  options.gzip = config.compression == "gzip" || config.compression.empty();
  return options;
}

template <typename BatchT>
grpc::ByteBuffer Serialize(const BatchT& batch) {
  grpc::Slice slice(EncodedSize(batch));
  EncodeTo(batch, const_cast<uint8_t*>(slice.begin()));
  return grpc::ByteBuffer(&slice, 1);
}

std::shared_ptr<grpc::ChannelCredentials> MakeCredentials(const Config& config,
                                                          const exporterhelper::TlsMaterial& m) {
  if (!config.UsesTls()) return grpc::InsecureChannelCredentials();
  if (!config.tls.insecure_skip_verify) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = m.ca;  // empty: gRPC's default roots
    ssl.pem_private_key = m.key;
    ssl.pem_cert_chain = m.cert;
    return grpc::SslCredentials(ssl);
  }
  // TLS without verifying the server: only the experimental TLS credentials can do that.
  std::vector<grpc::experimental::IdentityKeyCertPair> identity;
  if (!m.cert.empty()) identity.push_back({m.key, m.cert});
  auto provider =
      std::make_shared<grpc::experimental::StaticDataCertificateProvider>(m.ca, identity);
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(provider);
  if (!m.ca.empty()) options.watch_root_certs();
  if (!identity.empty()) options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(false);
  options.set_certificate_verifier(std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
  options.set_check_call_host(false);
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace

absl::Status ClassifyGrpcStatus(const grpc::Status& status, const std::string& endpoint) {
  if (status.ok()) return absl::OkStatus();
  std::string message = "exporting to " + endpoint +
                        ": rpc error: code = " + CodeName(status.error_code()) +
                        " desc = " + status.error_message();
  std::optional<std::chrono::nanoseconds> retry_delay;
  bool has_retry_info = false;
  if (!status.error_details().empty()) {
    if (auto details = exporterhelper::ParseRpcStatus(status.error_details())) {
      has_retry_info = details->retry_delay.has_value();
      retry_delay = details->retry_delay;
    }
  }
  bool retryable = false;
  switch (status.error_code()) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      retryable = true;
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      // Only a server that says when to come back can recover from exhaustion.
      retryable = has_retry_info;
      break;
    default:
      break;
  }
  if (!retryable) return consumer::Permanent(message);
  absl::Status s = consumer::Retryable(message);
  if (retry_delay && retry_delay->count() > 0) s = exporterhelper::WithRetryAfter(s, *retry_delay);
  return s;
}

GrpcSender::GrpcSender(const Config& config, const component::CreateSettings& settings)
    : config_(config),
      logger_(settings.logger ? settings.logger : spdlog::default_logger()),
      rejected_(settings.metrics, settings.id.ToString()) {}

GrpcSender::~GrpcSender() = default;

absl::Status GrpcSender::Start(component::Host&) {
  auto material = exporterhelper::LoadTlsMaterial(config_.tls);
  if (!material.ok()) return material.status();
  grpc::ChannelArguments args;
  args.SetUserAgentPrefix("ocelot");
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, -1);
  if (config_.compression == "gzip") args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  if (!config_.balancer_name.empty()) args.SetLoadBalancingPolicyName(config_.balancer_name);
  if (!config_.authority.empty()) args.SetString(GRPC_ARG_DEFAULT_AUTHORITY, config_.authority);
  if (!config_.tls.server_name_override.empty()) {
    args.SetSslTargetNameOverride(config_.tls.server_name_override);
  }
  if (config_.keepalive) {
    if (config_.keepalive->time.count() > 0) {
      args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS,
                  static_cast<int>(
                      std::chrono::duration_cast<std::chrono::milliseconds>(config_.keepalive->time)
                          .count()));
    }
    if (config_.keepalive->timeout.count() > 0) {
      args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                  static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       config_.keepalive->timeout)
                                       .count()));
    }
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                config_.keepalive->permit_without_stream ? 1 : 0);
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  }
  if (auto plain = PlainHttp2Options(config_)) {
    h2_ = std::make_unique<net::GrpcClient>(*plain);
    return absl::OkStatus();
  }
  channel_ = grpc::CreateCustomChannel(config_.SanitizedEndpoint(),
                                       MakeCredentials(config_, *material), args);
  stub_ = std::make_unique<grpc::GenericStub>(channel_);
  return absl::OkStatus();
}

void GrpcSender::Shutdown() {
  h2_.reset();
  stub_.reset();
  channel_.reset();
}

absl::Status GrpcSender::Send(const pdata::Traces& batch, exporterhelper::Deadline deadline) {
  return Export<opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse>(
      batch, kTracesMethod, deadline, rejected_.For(pdata::Signal::kTraces), "spans");
}
absl::Status GrpcSender::Send(const pdata::Metrics& batch, exporterhelper::Deadline deadline) {
  return Export<opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceResponse>(
      batch, kMetricsMethod, deadline, rejected_.For(pdata::Signal::kMetrics), "data points");
}
absl::Status GrpcSender::Send(const pdata::Logs& batch, exporterhelper::Deadline deadline) {
  return Export<opentelemetry::proto::collector::logs::v1::ExportLogsServiceResponse>(
      batch, kLogsMethod, deadline, rejected_.For(pdata::Signal::kLogs), "log records");
}

template <typename Response, typename BatchT>
absl::Status GrpcSender::Export(const BatchT& batch, const std::string& method,
                                exporterhelper::Deadline deadline, telemetry::Counter* rejected,
                                const char* noun) {
  if (h2_) return ExportOverHttp2<Response>(batch, method, deadline, rejected, noun);
  if (!stub_) return consumer::Retryable("otlp exporter is not running");
  grpc::ClientContext context;
  if (deadline != exporterhelper::kNoDeadline) {
    auto remaining = deadline - std::chrono::steady_clock::now();
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::duration_cast<std::chrono::system_clock::duration>(
                             std::max(remaining, decltype(remaining)::zero())));
  }
  context.set_wait_for_ready(config_.wait_for_ready);
  for (const auto& [name, value] : config_.headers) {
    // gRPC metadata keys are lower-case; HTTP/2 headers are case-insensitive anyway.
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    context.AddMetadata(key, value);
  }
  grpc::ByteBuffer request = Serialize(batch);
  grpc::ByteBuffer reply;
  grpc::Status status;
  {
    // The sending thread polls a completion queue of its own while the call is in flight, and
    // no thread polls for the exporter between calls. The callback API would start gRPC's
    // "nexting" threads, which join in polling every socket of the process, the receiver's
    // included, and hand each of its requests between threads (bench/README.md).
    grpc::CompletionQueue queue;
    auto call = stub_->PrepareUnaryCall(&context, method, request, &queue);
    call->StartCall();
    call->Finish(&reply, &status, &queue);
    void* tag = nullptr;
    bool ok = false;
    queue.Next(&tag, &ok);
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
  }
  if (!status.ok()) return ClassifyGrpcStatus(status, config_.SanitizedEndpoint());

  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (reply.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices)
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  ReportPartialSuccess<Response>(bytes, rejected, noun);
  return absl::OkStatus();
}

template <typename Response, typename BatchT>
absl::Status GrpcSender::ExportOverHttp2(const BatchT& batch, const std::string& method,
                                         exporterhelper::Deadline deadline,
                                         telemetry::Counter* rejected, const char* noun) {
  std::vector<std::pair<std::string, std::string>> metadata;
  for (const auto& [name, value] : config_.headers) {
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    metadata.emplace_back(std::move(key), value);
  }
  const auto until = deadline == exporterhelper::kNoDeadline
                         ? std::chrono::steady_clock::now() + std::chrono::hours(24)
                         : deadline;
  net::GrpcClientReply reply = h2_->CallFramed(method, metadata, SerializeToFrame(batch), until);
  if (reply.code != 0) {
    grpc::Status status(static_cast<grpc::StatusCode>(reply.code), reply.message, reply.details);
    return ClassifyGrpcStatus(status, config_.SanitizedEndpoint());
  }
  ReportPartialSuccess<Response>(reply.body, rejected, noun);
  return absl::OkStatus();
}

template <typename Response>
void GrpcSender::ReportPartialSuccess(const std::string& bytes, telemetry::Counter* rejected,
                                      const char* noun) {
  Response response;
  response.ParseFromString(bytes);
  if (response.has_partial_success()) {
    const auto& partial = response.partial_success();
    int64_t count = exporterhelper::RejectedCount(partial);
    if (count != 0 || !partial.error_message().empty()) {
      rejected->Add(count);
      logger_->warn("Partial success response: {} (dropped {}: {})", partial.error_message(), noun,
                    count);
    }
  }
}

}  // namespace ocelot::exporter::otlp
