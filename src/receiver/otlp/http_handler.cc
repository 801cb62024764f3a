// OTLP/HTTP request handling: route by path, check method and Content-Type, decode into an
// arena chunk, consume, and answer with an Export*ServiceResponse or a google.rpc.Status.
#include "receiver/otlp/http_handler.h"

#include <climits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "consumer/consumer.h"
#include "pdata/batch.h"
#include "pdata/otlp_json.h"

namespace ocelot::receiver::otlp {
namespace {

enum class Encoding { kProto, kJson };

constexpr std::string_view kProtoContentType = "application/x-protobuf";
constexpr std::string_view kJsonContentType = "application/json";

// The success bodies otelcol sends for every signal: its gogo-generated response keeps
// partial_success as a non-nullable struct, so it is marshalled even when empty (field 1,
// length 0 in protobuf; {"partialSuccess":{}} in JSON).
constexpr std::string_view kProtoOkBody("\x0a\x00", 2);
constexpr std::string_view kJsonOkBody = R"({"partialSuccess":{}})";

// Sent with 503. Go's otlphttp exporter waits at least this long (it takes the larger of this
// and its own backoff, whose first step is 5s), and SDKs that wait exactly this long then
// retry at the pace of the Go collector's default retry policy.
constexpr int kRetryAfterSeconds = 5;

// google.rpc.Code values (the same numbers as absl::StatusCode).
constexpr int kUnknown = 2;
constexpr int kInvalidArgument = 3;
constexpr int kPermissionDenied = 7;
constexpr int kResourceExhausted = 8;
constexpr int kUnimplemented = 12;
constexpr int kUnavailable = 14;
constexpr int kUnauthenticated = 16;

// The media type without parameters, lower-cased: "Application/JSON; charset=utf-8" ->
// "application/json" (what Go's mime.ParseMediaType yields).
std::string MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && (content_type.front() == ' ' || content_type.front() == '\t')) {
    content_type.remove_prefix(1);
  }
  while (!content_type.empty() && (content_type.back() == ' ' || content_type.back() == '\t')) {
    content_type.remove_suffix(1);
  }
  std::string out(content_type);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<Encoding> RequestEncoding(std::string_view content_type) {
  std::string media = MediaType(content_type);
  if (media == kProtoContentType) return Encoding::kProto;
  if (media == kJsonContentType) return Encoding::kJson;
  return std::nullopt;
}

// The encoding of an error answer: JSON for anything that looks like JSON (also when the
// Content-Type itself is the error), protobuf otherwise.
Encoding ErrorEncoding(std::string_view content_type) {
  return MediaType(content_type).find("json") != std::string::npos ? Encoding::kJson
                                                                   : Encoding::kProto;
}

// The gRPC code an HTTP status stands for, following otelcol's httphelper (gRPC's HTTP mapping
// with 400 as INVALID_ARGUMENT), plus 413 as RESOURCE_EXHAUSTED as gRPC answers an oversize
// message.
int RpcCodeForHttpStatus(int status) {
  switch (status) {
    case 400:
      return kInvalidArgument;
    case 401:
      return kUnauthenticated;
    case 403:
      return kPermissionDenied;
    case 404:
      return kUnimplemented;
    case 413:
    case 429:
      return kResourceExhausted;
    case 502:
    case 503:
    case 504:
      return kUnavailable;
    default:
      return kUnknown;
  }
}

// Proto3 strings must be UTF-8 (Go's protobuf rejects a Status whose message is not) and so
// must JSON; messages can quote request bytes. Each invalid byte becomes U+FFFD, as Go does.
std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;  // overlong
      if (c == 0xed) hi = 0x9f;  // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;  // overlong
      if (c == 0xf4) hi = 0x8f;  // above U+10FFFF
    }
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xbf);
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\xef\xbf\xbd");
      ++i;
    }
  }
  return out;
}

// protojson's string escaping (what otelcol's JSON status bodies use): unlike encoding/json
// (pdata/json_primitives.h) it leaves < > & and U+2028/U+2029 as they are. `utf8` is valid.
void AppendJsonString(std::string_view utf8, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : utf8) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; }, encoded
// by hand: two scalar fields do not justify another generated message. Defaults are omitted, as
// both protobuf and otelcol's jsonpb do.
std::string EncodeStatus(Encoding encoding, int code, std::string_view message) {
  std::string msg = ValidUtf8(message);
  std::string out;
  if (encoding == Encoding::kJson) {
    out = "{";
    if (code != 0) out += "\"code\":" + std::to_string(code);
    if (!msg.empty()) {
      if (code != 0) out += ",";
      out += "\"message\":";
      AppendJsonString(msg, &out);
    }
    out += "}";
    return out;
  }
  if (code != 0) {
    out.push_back('\x08');  // field 1, varint; int32 is sign-extended to 64 bits
    AppendVarint(static_cast<uint64_t>(static_cast<int64_t>(code)), &out);
  }
  if (!msg.empty()) {
    out.push_back('\x12');  // field 2, length-delimited
    AppendVarint(msg.size(), &out);
    out += msg;
  }
  return out;
}

std::string ContentTypeOf(Encoding encoding) {
  return std::string(encoding == Encoding::kJson ? kJsonContentType : kProtoContentType);
}

net::HttpResponse StatusResponse(Encoding encoding, int http_status, int rpc_code,
                                 std::string_view message) {
  net::HttpResponse r;
  r.status = http_status;
  r.content_type = ContentTypeOf(encoding);
  r.body = EncodeStatus(encoding, rpc_code, message);
  return r;
}

net::HttpResponse OkResponse(Encoding encoding) {
  net::HttpResponse r;
  r.content_type = ContentTypeOf(encoding);
  r.body = std::string(encoding == Encoding::kJson ? kJsonOkBody : kProtoOkBody);
  return r;
}

template <typename Request>
net::HttpResponse Export(consumer::Consumer<pdata::Batch<Request>>& next,
                         std::string_view type_name, const net::HttpRequest& request,
                         bool include_metadata, telemetry::ReceiverTelemetry* telemetry) {
  if (request.method != "POST") {
    net::HttpResponse r =
        HttpHandler::ErrorResponse(request, 405, "405 method not allowed, supported: [POST]");
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  std::optional<Encoding> encoding = RequestEncoding(request.content_type);
  if (!encoding) {
    return HttpHandler::ErrorResponse(
        request, 415,
        "415 unsupported media type, supported: [application/json, application/x-protobuf]");
  }

  auto chunk = std::make_shared<pdata::Chunk<Request>>();
  if (*encoding == Encoding::kProto) {
    if (request.body.size() > INT_MAX ||
        !chunk->message().ParseFromArray(request.body.data(),
                                         static_cast<int>(request.body.size()))) {
      return StatusResponse(*encoding, 400, kInvalidArgument,
                            "request body is not a valid " + std::string(type_name) + " protobuf");
    }
  } else if (absl::Status s = pdata::ParseOtlpJson(request.body, &chunk->message()); !s.ok()) {
    return StatusResponse(*encoding, 400, kInvalidArgument,
                          "request body is not a valid " + std::string(type_name) +
                              " JSON: " + std::string(s.message()));
  }

  if (include_metadata) {
    auto metadata = std::make_shared<pdata::ClientMetadata>();
    for (const auto& [name, value] : request.headers) metadata->Add(name, value);
    chunk->set_metadata(std::move(metadata));
  }
  pdata::Batch<Request> batch(std::move(chunk));
  // As otelcol does: an empty request is acknowledged without troubling the pipeline.
  if (batch.item_count() == 0) return OkResponse(*encoding);
  const auto started = telemetry::Clock::now();
  const int64_t items = static_cast<int64_t>(batch.item_count());
  absl::Status s = next.Consume(std::move(batch));
  if (telemetry) telemetry->Record(telemetry::SignalOf<Request>(), items, s, started);
  if (s.ok()) return OkResponse(*encoding);
  int code = static_cast<int>(s.code());
  if (consumer::IsRetryable(s)) {
    net::HttpResponse r = StatusResponse(*encoding, 503, code, std::string(s.message()));
    r.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
    return r;
  }
  return StatusResponse(*encoding, 400, code, std::string(s.message()));
}

}  // namespace

HttpHandler::HttpHandler(HttpPaths paths, component::NextConsumers next,
                         telemetry::ReceiverTelemetry* telemetry)
    : paths_(std::move(paths)), next_(next), telemetry_(telemetry) {}

net::HttpResponse HttpHandler::Handle(const net::HttpRequest& request) {
  if (next_.traces != nullptr && request.path == paths_.traces) {
    return Export(*next_.traces, "ExportTraceServiceRequest", request, paths_.include_metadata,
                  telemetry_);
  }
  if (next_.metrics != nullptr && request.path == paths_.metrics) {
    return Export(*next_.metrics, "ExportMetricsServiceRequest", request, paths_.include_metadata,
                  telemetry_);
  }
  if (next_.logs != nullptr && request.path == paths_.logs) {
    return Export(*next_.logs, "ExportLogsServiceRequest", request, paths_.include_metadata,
                  telemetry_);
  }
  std::string served;
  for (const auto& [consumer, path] :
       {std::pair<const void*, const std::string*>{next_.traces, &paths_.traces},
        {next_.metrics, &paths_.metrics},
        {next_.logs, &paths_.logs}}) {
    if (consumer == nullptr) continue;
    served += served.empty() ? "" : ", ";
    served += *path;
  }
  return ErrorResponse(request, 404,
                       "404 page not found: no OTLP signal is received at \"" + request.path +
                           "\"" + (served.empty() ? "" : " (this receiver serves " + served + ")"));
}

net::HttpResponse HttpHandler::ErrorResponse(const net::HttpRequest& request, int http_status,
                                             std::string_view message) {
  return StatusResponse(ErrorEncoding(request.content_type), http_status,
                        RpcCodeForHttpStatus(http_status), message);
}

}  // namespace ocelot::receiver::otlp
