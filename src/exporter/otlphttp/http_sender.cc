#include "exporter/otlphttp/http_sender.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>

#include "exporterhelper/rpc_status.h"
#include "net/compression.h"
#include "net/curl/trusted_cas.h"
#include "pdata/otlp_json.h"
#include "telemetry/obsreport.h"

namespace ocelot::exporter::otlphttp {
namespace {

constexpr char kProtoType[] = "application/x-protobuf";
constexpr char kJsonType[] = "application/json";
// As otelcol: at most this much of a response body is read.
constexpr size_t kMaxResponseBytes = 64 * 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What a response carries that the sender needs.
struct Response {
  long status = 0;
  std::string content_type;
  std::string retry_after;
  std::string body;
};

size_t OnBody(char* data, size_t size, size_t n, void* out) {
  auto* r = static_cast<Response*>(out);
  size_t len = size * n;
  if (r->body.size() < kMaxResponseBytes) {
    r->body.append(data, std::min(len, kMaxResponseBytes - r->body.size()));
  }
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* out) {
  auto* r = static_cast<Response*>(out);
  std::string_view line(data, size * n);
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name = Lower(line.substr(0, colon));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  if (name == "content-type") r->content_type = std::string(value.substr(0, value.find(';')));
  if (name == "retry-after") r->retry_after = std::string(value);
  return size * n;
}

template <typename Request>
void Encode(const pdata::Batch<Request>& batch, bool json, std::string* out) {
  if (!json) {
    size_t size = 0;
    for (const auto& e : batch.entries()) size += e.chunk->message().ByteSizeLong();
    out->reserve(size);
    for (const auto& e : batch.entries()) e.chunk->message().AppendToString(out);
    return;
  }
  if (batch.entries().size() == 1) {
    pdata::AppendOtlpJson(batch.entries()[0].chunk->message(), out);
    return;
  }
  google::protobuf::Arena arena;
  auto* merged = google::protobuf::Arena::CreateMessage<Request>(&arena);
  batch.MergeInto(merged);
  pdata::AppendOtlpJson(*merged, out);
}

template <typename ResponseMessage>
int64_t Rejected(const ResponseMessage& r) {
  return exporterhelper::RejectedCount(r.partial_success());
}

}  // namespace

struct HttpSender::Handle {
  Handle() : curl(curl_easy_init()) {}
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
  CURL* curl;
};

HttpSender::HttpSender(const Config& config, const component::CreateSettings& settings)
    : config_(config),
      logger_(settings.logger ? settings.logger : spdlog::default_logger()),
      rejected_(settings.metrics, settings.id.ToString()) {}

HttpSender::~HttpSender() = default;

absl::Status HttpSender::Start(component::Host&) {
  // Thread-safe in libcurl 7.84+ and idempotent; the process never calls the cleanup.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  auto material = exporterhelper::LoadTlsMaterial(config_.tls);
  if (!material.ok()) return material.status();
  tls_ = *std::move(material);
  return absl::OkStatus();
}

void HttpSender::Shutdown() { handles_.Clear(); }

absl::Status HttpSender::Send(const pdata::Traces& batch, exporterhelper::Deadline deadline) {
  return Export(batch, pdata::Signal::kTraces, deadline);
}
absl::Status HttpSender::Send(const pdata::Metrics& batch, exporterhelper::Deadline deadline) {
  return Export(batch, pdata::Signal::kMetrics, deadline);
}
absl::Status HttpSender::Send(const pdata::Logs& batch, exporterhelper::Deadline deadline) {
  return Export(batch, pdata::Signal::kLogs, deadline);
}

template <typename BatchT>
absl::Status HttpSender::Export(const BatchT& batch, pdata::Signal signal,
                                exporterhelper::Deadline deadline) {
  const std::string url = config_.UrlFor(signal);
  if (url.empty()) {
    return consumer::Permanent(std::string("either endpoint or ") + pdata::SignalName(signal) +
                               "_endpoint must be specified");
  }
  const bool json = config_.encoding == "json";
  std::string body;
  Encode(batch, json, &body);
  const bool compressed = !config_.compression.empty() && config_.compression != "none";
  if (compressed) {
    auto c = net::Compress(config_.compression, body);
    if (!c.ok()) return consumer::Permanent(std::string(c.status().message()));
    body = *std::move(c);
  }

  curl_slist* headers = nullptr;
  headers = curl_slist_append(
      headers, json ? "Content-Type: application/json" : "Content-Type: application/x-protobuf");
  if (compressed) {
    headers = curl_slist_append(headers, ("Content-Encoding: " + config_.compression).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : config_.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }

  std::unique_ptr<Handle> h = handles_.Take();
  CURL* curl = h->curl;
  curl_easy_reset(curl);  // keeps the connection cache, clears the options
  Response response;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "ocelot");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (config_.disable_keep_alives) curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  if (!config_.proxy_url.empty()) curl_easy_setopt(curl, CURLOPT_PROXY, config_.proxy_url.c_str());
  // The request's time limit: the configured timeout, cut short by the attempt's deadline.
  auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(config_.timeout);
  if (deadline != exporterhelper::kNoDeadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (limit.count() == 0 || left < limit) limit = std::max(left, std::chrono::milliseconds(1));
  }
  if (limit.count() > 0)
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(limit.count()));
  curl_blob ca{tls_.ca.data(), tls_.ca.size(), CURL_BLOB_NOCOPY};
  curl_blob cert{tls_.cert.data(), tls_.cert.size(), CURL_BLOB_NOCOPY};
  curl_blob key{tls_.key.data(), tls_.key.size(), CURL_BLOB_NOCOPY};
  if (!tls_.ca.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
  } else {
    net::TrustCasFromEnvironment(curl);  // as Go's SSL_CERT_FILE / SSL_CERT_DIR
  }
  if (!tls_.cert.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(curl, CURLOPT_SSLKEY_BLOB, &key);
  }
  if (config_.tls.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  long version = CURL_SSLVERSION_TLSv1_2;  // otelcol's default minimum
  if (config_.tls.min_version == "1.0") version = CURL_SSLVERSION_TLSv1_0;
  if (config_.tls.min_version == "1.1") version = CURL_SSLVERSION_TLSv1_1;
  if (config_.tls.min_version == "1.3") version = CURL_SSLVERSION_TLSv1_3;
  if (config_.tls.max_version == "1.0") version |= CURL_SSLVERSION_MAX_TLSv1_0;
  if (config_.tls.max_version == "1.1") version |= CURL_SSLVERSION_MAX_TLSv1_1;
  if (config_.tls.max_version == "1.2") version |= CURL_SSLVERSION_MAX_TLSv1_2;
  if (config_.tls.max_version == "1.3") version |= CURL_SSLVERSION_MAX_TLSv1_3;
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, version);

  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  handles_.Return(std::move(h));

  if (rc != CURLE_OK) {
    // Refused, reset, timed out, TLS failure: the next attempt may succeed.
    return consumer::Retryable("failed to make an HTTP request to " + url + ": " +
                               curl_easy_strerror(rc));
  }
  if (response.status >= 200 && response.status <= 299) {
    using Message = std::conditional_t<
        std::is_same_v<BatchT, pdata::Traces>,
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse,
        std::conditional_t<
            std::is_same_v<BatchT, pdata::Metrics>,
            opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceResponse,
            opentelemetry::proto::collector::logs::v1::ExportLogsServiceResponse>>;
    Message parsed;
    bool ok = false;
    if (response.content_type == kProtoType) {
      ok = parsed.ParseFromString(response.body);
    } else if (response.content_type == kJsonType) {
      ok = pdata::ParseOtlpJson(response.body, &parsed).ok();
    }
    if (ok && parsed.has_partial_success()) {
      int64_t rejected = Rejected(parsed);
      const std::string& message = parsed.partial_success().error_message();
      if (rejected != 0 || !message.empty()) {
        rejected_.For(signal)->Add(rejected);
        logger_->warn("Partial success response: {} (dropped {}: {})", message,
                      telemetry::ItemName(signal), rejected);
      }
    }
    return absl::OkStatus();
  }

  std::string message = "error exporting items, request to " + url +
                        " responded with HTTP Status Code " + std::to_string(response.status);
  if (auto status = exporterhelper::ParseRpcStatus(response.body);
      status && !response.body.empty() && response.content_type != kJsonType) {
    message += ", Message=" + status->message;
  }
  switch (response.status) {
    case 429:
    case 502:
    case 503:
    case 504: {
      absl::Status s = consumer::Retryable(message);
      // A server that is overwhelmed says when to come back.
      if ((response.status == 429 || response.status == 503) && !response.retry_after.empty() &&
          std::all_of(response.retry_after.begin(), response.retry_after.end(),
                      [](unsigned char c) { return std::isdigit(c); }) &&
          response.retry_after.size() < 9) {
        s = exporterhelper::WithRetryAfter(s,
                                           std::chrono::seconds(std::stol(response.retry_after)));
      }
      return s;
    }
    default:
      return consumer::Permanent(message);
  }
}

}  // namespace ocelot::exporter::otlphttp
