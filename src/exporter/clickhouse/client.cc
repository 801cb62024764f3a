// libcurl requests to ClickHouse's HTTP interface and the classification of its errors.
#include "exporter/clickhouse/client.h"

#include <curl/curl.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>

#include "consumer/consumer.h"
#include "net/compression.h"
#include "net/curl/trusted_cas.h"

namespace ocelot::exporter::clickhouse {
namespace {

constexpr size_t kMaxResponseBytes = 1 << 20;  // DDL/SELECT answers are small

struct Response {
  long status = 0;
  int exception_code = 0;
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
  constexpr std::string_view kName = "x-clickhouse-exception-code:";
  if (line.size() > kName.size()) {
    std::string name(line.substr(0, kName.size()));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == kName) {
      std::string_view value = line.substr(kName.size());
      int code = 0;
      for (char c : value) {
        if (std::isdigit(static_cast<unsigned char>(c))) code = code * 10 + (c - '0');
        if (code > 100000) break;
      }
      r->exception_code = code;
    }
  }
  return size * n;
}

// "Code: 516. DB::Exception: default: Authentication failed: ... (AUTHENTICATION_FAILED)
// (version 24.8.1.1)" → "default: Authentication failed: ... (AUTHENTICATION_FAILED)".
std::string ServerMessage(std::string_view body) {
  std::string_view m = body;
  if (size_t e = m.find("DB::Exception: "); e != std::string_view::npos) {
    m = m.substr(e + 15);
  }
  m = m.substr(0, m.find('\n'));
  if (size_t v = m.rfind(" (version "); v != std::string_view::npos) m = m.substr(0, v);
  while (!m.empty() && (m.back() == ' ' || m.back() == '\r' || m.back() == '.')) {
    m.remove_suffix(1);
  }
  std::string out(m.substr(0, 400));
  if (m.size() > 400) out += "...";
  return out;
}

int CodeFromBody(std::string_view body) {
  constexpr std::string_view kPrefix = "Code: ";
  size_t at = body.find(kPrefix);
  if (at == std::string_view::npos || at > 16) return 0;
  int code = 0;
  for (size_t i = at + kPrefix.size(); i < body.size() && std::isdigit(body[i]) && code < 100000;
       ++i) {
    code = code * 10 + (body[i] - '0');
  }
  return code;
}

// libcurl's TLS failures: the server was reached, so "cannot reach" would mislead.
bool IsTlsError(CURLcode rc) {
  switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return true;
    default:
      return false;
  }
}

std::string Escape(CURL* curl, std::string_view s) {
  char* e = curl_easy_escape(curl, s.data(), static_cast<int>(s.size()));
  std::string out(e != nullptr ? e : "");
  curl_free(e);
  return out;
}

// Errors that repeat on every attempt, whatever HTTP status ClickHouse gives them.
bool IsPermanentCode(int c) {
  switch (c) {
    case 16:  // NO_SUCH_COLUMN_IN_TABLE
    case 33:  // CANNOT_READ_ALL_DATA (a malformed RowBinary body)
    case 36:  // BAD_ARGUMENTS
    case 47:  // UNKNOWN_IDENTIFIER
    case code::kTypeMismatch:
    case code::kUnknownTable:
    case code::kSyntaxError:
    case code::kUnknownDatabase:
    case 115:  // UNKNOWN_SETTING
    case 117:  // INCORRECT_DATA
    case code::kReadonly:
    case code::kUnknownUser:
    case code::kWrongPassword:
    case code::kRequiredPassword:
    case code::kAccessDenied:
    case code::kAuthenticationFailed:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool IsRetryableCode(int c) {
  switch (c) {
    case 3:    // UNEXPECTED_END_OF_FILE: the body was cut off in transit
    case 159:  // TIMEOUT_EXCEEDED
    case 173:  // CANNOT_ALLOCATE_MEMORY
    case 202:  // TOO_MANY_SIMULTANEOUS_QUERIES
    case 203:  // NO_FREE_CONNECTION
    case 209:  // SOCKET_TIMEOUT
    case 210:  // NETWORK_ERROR
    case 225:  // NO_ZOOKEEPER
    case 236:  // ABORTED
    case code::kMemoryLimitExceeded:
    case 242:  // TABLE_IS_READ_ONLY (replica lost its keeper session)
    case code::kTooManyParts:
    case 319:  // UNKNOWN_STATUS_OF_INSERT
    case 394:  // QUERY_WAS_CANCELLED
    case 425:  // SYSTEM_ERROR
    case 439:  // CANNOT_SCHEDULE_TASK
    case 999:  // KEEPER_EXCEPTION
      return true;
    default:
      return false;
  }
}

absl::Status Classify(const Connection& c, long http_status, int exception_code,
                      std::string_view body) {
  int code = exception_code != 0 ? exception_code : CodeFromBody(body);
  std::string server = ServerMessage(body);
  std::string cause;
  switch (code) {
    case code::kAuthenticationFailed:
    case code::kUnknownUser:
    case code::kWrongPassword:
    case code::kRequiredPassword:
      cause = "authentication failed for user \"" + c.user + "\"";
      break;
    case code::kUnknownDatabase:
      cause = "database \"" + c.database + "\" does not exist";
      break;
    case code::kAccessDenied:
    case code::kReadonly:
      cause = "user \"" + c.user + "\" lacks permission";
      break;
    case code::kUnknownTable:
      cause = "table does not exist";
      break;
    case code::kTooManyParts:
      cause = "too many parts (inserts are too frequent for merges to keep up)";
      break;
    case code::kMemoryLimitExceeded:
      cause = "memory limit exceeded";
      break;
    default:
      break;
  }
  std::string message =
      "ClickHouse at " + c.base_url + " answered HTTP " + std::to_string(http_status);
  if (!cause.empty()) message = "ClickHouse at " + c.base_url + ": " + cause;
  if (code != 0) message += " (code " + std::to_string(code) + ")";
  if (!server.empty()) message += ": " + server;
  bool retryable;
  if (code != 0) {
    // A known deterministic error stays permanent even when ClickHouse answers it with a 5xx;
    // an unknown server-side error (5xx) may be transient.
    retryable = IsRetryableCode(code) || (http_status >= 500 && !IsPermanentCode(code));
  } else {
    retryable = http_status == 408 || http_status == 429 || http_status >= 500;
  }
  return retryable ? consumer::Retryable(message) : consumer::Permanent(message);
}

struct Client::Handle {
  Handle() : curl(curl_easy_init()) {}
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
  CURL* curl;
};

Client::Client(Connection connection) : connection_(std::move(connection)) {
  // Thread-safe in libcurl 7.84+ and idempotent; the process never calls the cleanup.
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

Client::~Client() = default;

void Client::CloseIdle() { handles_.Clear(); }

absl::StatusOr<std::string> Client::Execute(std::string_view sql, exporterhelper::Deadline deadline,
                                            bool in_database) {
  Request r;
  r.body = sql;
  r.in_database = in_database;
  return Perform(r, deadline);
}

absl::Status Client::Insert(const InsertBlock& block, exporterhelper::Deadline deadline) {
  Request r;
  r.query_param = "INSERT INTO " + connection_.database + "." + block.table + " (" + block.columns +
                  ") FORMAT RowBinary";
  std::string compressed;
  if (!connection_.compression.empty()) {
    auto c = net::Compress(connection_.compression, block.body);
    if (!c.ok()) return consumer::Permanent(std::string(c.status().message()));
    compressed = *std::move(c);
    r.body = compressed;
    r.compressed = true;
  } else {
    r.body = block.body;
  }
  return Perform(r, deadline).status();
}

absl::StatusOr<std::string> Client::Perform(const Request& request,
                                            exporterhelper::Deadline deadline) {
  auto limit = std::chrono::milliseconds(0);
  if (deadline != exporterhelper::kNoDeadline) {
    limit = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                  std::chrono::steady_clock::now());
    if (limit.count() <= 0) {
      return absl::DeadlineExceededError("no time left for a request to ClickHouse at " +
                                         connection_.base_url);
    }
  }
  std::unique_ptr<Handle> h = handles_.Take();
  CURL* curl = h->curl;
  curl_easy_reset(curl);  // keeps the connection cache, clears the options

  std::string url = connection_.base_url + "/?";
  bool first = true;
  auto param = [&](std::string_view key, std::string_view value) {
    if (!first) url += "&";
    first = false;
    url += std::string(key) + "=" + Escape(curl, value);
  };
  if (request.in_database) param("database", connection_.database);
  for (const auto& [k, v] : connection_.settings) param(k, v);
  if (!request.query_param.empty()) param("query", request.query_param);

  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("X-ClickHouse-User: " + connection_.user).c_str());
  if (!connection_.password.empty()) {
    headers = curl_slist_append(headers, ("X-ClickHouse-Key: " + connection_.password).c_str());
  }
  if (request.compressed) {
    headers = curl_slist_append(headers, ("Content-Encoding: " + connection_.compression).c_str());
  }
  headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip

  Response response;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "ocelot");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (limit.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(limit.count()));
  }
  if (connection_.connect_timeout) {
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(connection_.connect_timeout->count()));
  }
  if (!connection_.verify_peer) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    net::TrustCasFromEnvironment(curl);  // as Go's SSL_CERT_FILE / SSL_CERT_DIR
  }
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  // The handle's option list pointed at our stack; curl_easy_reset on the next use clears it.
  handles_.Return(std::move(h));

  if (rc != CURLE_OK) {
    std::string detail = error[0] != '\0' ? error : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return absl::DeadlineExceededError("request to ClickHouse at " + connection_.base_url +
                                         " timed out: " + detail);
    }
    if (rc == CURLE_PEER_FAILED_VERIFICATION) {
      return consumer::Retryable(
          "TLS certificate verification failed for ClickHouse at " + connection_.base_url + ": " +
          detail +
          " (trust its CA via the system store, SSL_CERT_FILE or SSL_CERT_DIR, or set "
          "connection_params skip_verify: true)");
    }
    if (IsTlsError(rc)) {
      return consumer::Retryable("TLS with ClickHouse at " + connection_.base_url +
                                 " failed: " + detail);
    }
    return consumer::Retryable("cannot reach ClickHouse at " + connection_.base_url + ": " +
                               detail);
  }
  if (response.status >= 200 && response.status <= 299 && response.exception_code == 0) {
    return std::move(response.body);
  }
  return Classify(connection_, response.status, response.exception_code, response.body);
}

}  // namespace ocelot::exporter::clickhouse
