// The clickhouse exporter's https:// path against a real ClickHouse behind real TLS, with the real
// ocelot binary: a private CA trusted through SSL_CERT_FILE (as Go, and so otelcol-contrib 0.96,
// trusts one), skip_verify with an untrusted self-signed certificate, and the start-up error when
// the certificate is not trusted. Certificates are made at run time in a temp dir.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "integration/collector_process.h"
#include "testing/clickhouse/clickhouse_server.h"
#include "testing/otlp_fixtures.h"
#include "testing/temp_dir.h"
#include "testing/wait.h"

namespace ocelot::testing {
namespace {

using std::chrono::seconds;

constexpr char kPassword[] = "ch-tls-pw";

#define SKIP_UNLESS_CLICKHOUSE() \
  if (!ClickHouseServer::Available()) GTEST_SKIP() << ClickHouseServer::SkipReason()

std::string OpenSslError(const std::string& what) {
  std::string out = what;
  char buf[256];
  for (unsigned long e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    out += std::string(": ") + buf;
  }
  return out;
}

// ---- Certificates, made with libcrypto (no openssl command needed) ----

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate for `key` named `cn`, valid for a day, signed by `issuer_key` as `issuer` (self-
// signed when `issuer` is null). A CA certificate may sign; the others serve 127.0.0.1/localhost.
absl::StatusOr<Cert> MakeCert(EVP_PKEY* key, const char* cn, bool ca, X509* issuer,
                              EVP_PKEY* issuer_key, long serial) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  bool ok = AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash") &&
            AddExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (ca) {
    ok = ok && AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE") &&
         AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && AddExtension(cert.get(), signer, NID_basic_constraints, "CA:FALSE") &&
         AddExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature") &&
         AddExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth") &&
         AddExtension(cert.get(), signer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  }
  if (!ok) return absl::InternalError(OpenSslError(std::string("extensions of ") + cn));
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    return absl::InternalError(OpenSslError(std::string("signing ") + cn));
  }
  return cert;
}

absl::Status WritePem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return absl::InternalError("cannot write " + path);
  bool ok = cert != nullptr
                ? PEM_write_X509(f, cert) == 1
                : PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  ok = std::fclose(f) == 0 && ok;
  return ok ? absl::OkStatus() : absl::InternalError(OpenSslError("writing " + path));
}

// Paths of the files CreateCertificates writes.
struct Certificates {
  std::string ca;                            // the private CA's certificate (what a client trusts)
  std::string server, key;                   // signed by that CA, for 127.0.0.1 and localhost
  std::string self_signed, self_signed_key;  // signed by nobody but itself
};

absl::StatusOr<Certificates> CreateCertificates(const TempDir& dir) {
  Certificates out{dir / "ca.pem", dir / "server.pem", dir / "server.key", dir / "self-signed.pem",
                   dir / "self-signed.key"};
  Key ca_key(EVP_EC_gen("P-256")), server_key(EVP_EC_gen("P-256")), self_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key || !self_key) return absl::InternalError(OpenSslError("EC keys"));
  auto ca = MakeCert(ca_key.get(), "ocelot test CA", true, nullptr, nullptr, 1);
  if (!ca.ok()) return ca.status();
  auto server = MakeCert(server_key.get(), "localhost", false, ca->get(), ca_key.get(), 2);
  if (!server.ok()) return server.status();
  auto self = MakeCert(self_key.get(), "localhost", false, nullptr, nullptr, 3);
  if (!self.ok()) return self.status();
  for (const absl::Status& s :
       {WritePem(out.ca, ca->get(), nullptr), WritePem(out.server, server->get(), nullptr),
        WritePem(out.key, nullptr, server_key.get()),
        WritePem(out.self_signed, self->get(), nullptr),
        WritePem(out.self_signed_key, nullptr, self_key.get())}) {
    if (!s.ok()) return s;
  }
  return out;
}

// ---- TLS in front of ClickHouse's HTTP port ----

// chdb's clickhouse-local refuses HTTPS listeners ("SYSTEM START/STOP LISTEN in clickhouse-local
// supports only TCP and HTTP listeners"), so `https_port` cannot be served by the test server
// itself. TLS ends here instead, and the bytes go on unchanged to ClickHouse's own HTTP
// interface, as behind a TLS-terminating load balancer: the client still meets a real
// certificate and a real ClickHouse.
//
// Threads: one accepts, one per connection pumps bytes; the destructor stops and joins them.
class TlsFront {
 public:
  static absl::StatusOr<std::unique_ptr<TlsFront>> Start(const std::string& certificate_file,
                                                         const std::string& key_file,
                                                         int backend_port) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == nullptr || SSL_CTX_use_certificate_chain_file(ctx, certificate_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      SSL_CTX_free(ctx);
      return absl::InternalError(OpenSslError("TLS front with " + certificate_file));
    }
    // Port 0: the kernel picks a free one, so no other process can take it first.
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(fd, 64) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (fd >= 0) ::close(fd);
      SSL_CTX_free(ctx);
      return absl::InternalError("TLS front: cannot listen on 127.0.0.1");
    }
    return std::unique_ptr<TlsFront>(new TlsFront(ctx, fd, ntohs(addr.sin_port), backend_port));
  }

  ~TlsFront() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    ::close(listen_fd_);
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);  // wakes poll() in every worker
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
    SSL_CTX_free(ctx_);
  }

  int port() const { return port_; }
  std::string endpoint() const { return "https://127.0.0.1:" + std::to_string(port_); }
  int handshakes() const { return handshakes_.load(); }  // completed TLS handshakes

 private:
  TlsFront(SSL_CTX* ctx, int listen_fd, int port, int backend_port)
      : ctx_(ctx), listen_fd_(listen_fd), port_(port), backend_port_(backend_port) {
    acceptor_ = std::thread([this] { Accept(); });
  }

  void Accept() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) {
        if (stopping_ || (errno != EINTR && errno != ECONNABORTED)) return;
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      fds_.insert(fd);
      workers_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  // Registers a socket for the destructor to shut down (at once when it is already stopping).
  void Track(int fd) {
    std::lock_guard<std::mutex> lock(mu_);
    fds_.insert(fd);
    if (stopping_) ::shutdown(fd, SHUT_RDWR);
  }
  void Close(int fd) {
    std::lock_guard<std::mutex> lock(mu_);
    fds_.erase(fd);
    ::close(fd);
  }

  // Waits until `fd` is ready for what OpenSSL asked for after `ret`; false to give up.
  static bool WaitForSsl(SSL* ssl, int fd, int ret) {
    int err = SSL_get_error(ssl, ret);
    short events = err == SSL_ERROR_WANT_READ ? POLLIN : err == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) return false;
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, -1) > 0;
  }

  static bool SendAll(int fd, const char* data, size_t n) {
    while (n > 0) {
      ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data += sent;
      n -= static_cast<size_t>(sent);
    }
    return true;
  }

  static bool SslWriteAll(SSL* ssl, int fd, const char* data, int n) {
    for (;;) {
      int ret = SSL_write(ssl, data, n);
      if (ret > 0) return true;  // without partial-write mode, all of it
      if (!WaitForSsl(ssl, fd, ret)) return false;
    }
  }

  // One client connection: the TLS handshake, then bytes both ways until either side closes.
  void Serve(int client) {
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, client);
    int ret;
    while ((ret = SSL_accept(ssl)) != 1) {
      if (!WaitForSsl(ssl, client, ret)) break;
    }
    ERR_clear_error();
    if (ret == 1) {
      ++handshakes_;
      int backend = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (backend >= 0) {
        Track(backend);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(backend_port_));
        if (::connect(backend, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
          Pump(ssl, client, backend);
        }
        Close(backend);
      }
      SSL_shutdown(ssl);  // best effort: a close_notify if the socket takes it
    }
    SSL_free(ssl);
    Close(client);
  }

  void Pump(SSL* ssl, int client, int backend) {
    char buf[16384];
    pollfd fds[2] = {{client, POLLIN, 0}, {backend, POLLIN, 0}};
    for (;;) {
      fds[0].revents = fds[1].revents = 0;
      // Decrypted bytes may wait inside OpenSSL while the socket has nothing new.
      if (SSL_pending(ssl) == 0 && ::poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if (SSL_pending(ssl) > 0 || fds[0].revents != 0) {
        for (;;) {
          int n = SSL_read(ssl, buf, sizeof(buf));
          if (n > 0) {
            if (!SendAll(backend, buf, static_cast<size_t>(n))) return;
            continue;
          }
          int err = SSL_get_error(ssl, n);
          if (err == SSL_ERROR_WANT_READ) break;
          if (err != SSL_ERROR_WANT_WRITE || !WaitForSsl(ssl, client, n)) return;
        }
      }
      if (fds[1].revents != 0) {
        ssize_t n = ::recv(backend, buf, sizeof(buf), 0);
        if (n <= 0) return;  // ClickHouse closed the connection: so does the front
        if (!SslWriteAll(ssl, client, buf, static_cast<int>(n))) return;
      }
    }
  }

  SSL_CTX* const ctx_;
  const int listen_fd_;
  const int port_;
  const int backend_port_;
  std::atomic<int> handshakes_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;      // guards fds_ and workers_
  std::set<int> fds_;  // open connection sockets, shut down by the destructor
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

// ---- The tests ----

int CountOccurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// POSTs an OTLP/HTTP protobuf request to ocelot; returns the HTTP status (0: no answer).
long PostOtlp(int port, const std::string& body) {
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces";
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/x-protobuf");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return status;
}

// One server and two TLS fronts for the suite: `trusted_` shows the private CA's certificate,
// `self_signed_` one that no CA vouches for.
class ClickHouseTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!ClickHouseServer::Available()) return;
    // A front writing to a client that has gone must get EPIPE, not kill the test.
    ::signal(SIGPIPE, SIG_IGN);
    certs_dir_ = new TempDir();
    ClickHouseServer::Options options;
    options.users = {{"otel", kPassword, false}};
    server_ = new ClickHouseServer(options);
    absl::Status s = server_->Start();
    auto certs = s.ok() ? CreateCertificates(*certs_dir_) : absl::StatusOr<Certificates>(s);
    if (certs.ok()) {
      certs_ = new Certificates(*certs);
      auto trusted = TlsFront::Start(certs->server, certs->key, server_->http_port());
      auto self_signed =
          TlsFront::Start(certs->self_signed, certs->self_signed_key, server_->http_port());
      if (trusted.ok() && self_signed.ok()) {
        trusted_ = trusted->release();
        self_signed_ = self_signed->release();
      } else {
        s = trusted.ok() ? self_signed.status() : trusted.status();
      }
    } else {
      s = certs.status();
    }
    if (!s.ok()) start_error_ = new std::string(s.ToString());
  }
  static void TearDownTestSuite() {
    delete trusted_;
    delete self_signed_;
    delete server_;
    delete certs_;
    delete certs_dir_;
    delete start_error_;
    trusted_ = self_signed_ = nullptr;
    server_ = nullptr;
    certs_ = nullptr;
    certs_dir_ = nullptr;
    start_error_ = nullptr;
  }
  void SetUp() override {
    if (start_error_ != nullptr) FAIL() << *start_error_;
  }

  long long Count(const std::string& sql) {
    auto r = server_->Query(sql);
    return r.ok() ? std::atoll(r->c_str()) : -1;
  }

  // A traces pipeline from the otlp receiver to the clickhouse exporter at `endpoint`.
  std::string WriteConfig(const std::string& endpoint, const std::string& database,
                          const std::string& exporter_extra = "") {
    std::ostringstream c;
    c << "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:"
      << http_port_ << "\n"
      << "exporters:\n  clickhouse:\n    endpoint: " << endpoint << "\n"
      << "    username: otel\n    password: " << kPassword << "\n    database: " << database << "\n"
      << exporter_extra
      << "service:\n  telemetry:\n    metrics:\n      level: none\n"  // no fixed :8888
         "  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [clickhouse]\n";
    std::string path = dir_ / "config.yaml";
    std::ofstream(path) << c.str();
    return path;
  }

  // ocelot with `ca_file` as SSL_CERT_FILE ("" : none, whatever the test's own environment has).
  std::unique_ptr<CollectorProcess> Run(const std::string& config, const std::string& ca_file) {
    return std::make_unique<CollectorProcess>(
        std::vector<std::string>{"--config", config}, dir_ / "stderr.txt",
        std::vector<std::string>{"SSL_CERT_FILE=" + ca_file, "SSL_CERT_DIR="});
  }

  // Sends `spans` spans with current timestamps and waits for them in `database`.otel_traces.
  void ExpectTracesArrive(CollectorProcess& p, const std::string& database, int spans) {
    ASSERT_TRUE(WaitForPort(http_port_, seconds(60))) << p.Stderr();
    auto traces = MakeTraces(1, spans);
    uint64_t now_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
    for (auto& rs : *traces->message().mutable_resource_spans()) {
      for (auto& ss : *rs.mutable_scope_spans()) {
        for (auto& span : *ss.mutable_spans()) {
          span.set_start_time_unix_nano(now_ns);
          span.set_end_time_unix_nano(now_ns + 1000);
        }
      }
    }
    ASSERT_EQ(PostOtlp(http_port_, traces->message().SerializeAsString()), 200);
    EXPECT_TRUE(WaitUntil(
        [&] { return Count("SELECT count() FROM " + database + ".otel_traces") == spans; },
        seconds(30)))
        << p.Stderr();
    EXPECT_EQ(p.Stop(), 0) << p.Stderr();
  }

  static ClickHouseServer* server_;
  static TempDir* certs_dir_;
  static Certificates* certs_;
  static TlsFront* trusted_;
  static TlsFront* self_signed_;
  static std::string* start_error_;
  TempDir dir_;
  int http_port_ = FreePort();
};

ClickHouseServer* ClickHouseTls::server_ = nullptr;
TempDir* ClickHouseTls::certs_dir_ = nullptr;
Certificates* ClickHouseTls::certs_ = nullptr;
TlsFront* ClickHouseTls::trusted_ = nullptr;
TlsFront* ClickHouseTls::self_signed_ = nullptr;
std::string* ClickHouseTls::start_error_ = nullptr;

TEST_F(ClickHouseTls, APrivateCaTrustedThroughSslCertFileCarriesTraces) {
  SKIP_UNLESS_CLICKHOUSE();
  const int handshakes = trusted_->handshakes();
  auto p = Run(WriteConfig(trusted_->endpoint(), "otel_tls_ca"), certs_->ca);
  ExpectTracesArrive(*p, "otel_tls_ca", 5);
  // Everything went through the front: the schema and the rows travelled over TLS.
  EXPECT_GT(trusted_->handshakes(), handshakes);
  EXPECT_EQ(p->Stderr().find("TLS"), std::string::npos) << p->Stderr();
}

TEST_F(ClickHouseTls, SkipVerifyAcceptsAnUntrustedSelfSignedCertificate) {
  SKIP_UNLESS_CLICKHOUSE();
  auto p = Run(WriteConfig(self_signed_->endpoint(), "otel_tls_skip",
                           "    connection_params:\n      skip_verify: \"true\"\n"),
               "");
  ExpectTracesArrive(*p, "otel_tls_skip", 3);
  EXPECT_GT(self_signed_->handshakes(), 0);
}

TEST_F(ClickHouseTls, AnUntrustedCertificateFailsTheStartNamingTheEndpoint) {
  SKIP_UNLESS_CLICKHOUSE();
  for (TlsFront* front : {trusted_, self_signed_}) {
    auto p = Run(WriteConfig(front->endpoint(), "otel_tls_refused"), "");
    auto status = p->WaitExit(seconds(60));
    ASSERT_TRUE(status.has_value()) << "ocelot did not exit\n" << p->Stderr();
    EXPECT_NE(*status, 0) << p->Stderr();
    const std::string err = p->Stderr();
    EXPECT_EQ(CountOccurrences(err, "TLS certificate verification failed for ClickHouse at " +
                                        front->endpoint() + ": SSL certificate problem: "),
              1)
        << err;
    EXPECT_NE(err.find(front == trusted_ ? "unable to get local issuer certificate"
                                         : "self-signed certificate"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("skip_verify"), std::string::npos) << err;
    EXPECT_EQ(err.find("cannot reach"), std::string::npos) << err;
  }
  EXPECT_EQ(Count("SELECT count() FROM system.databases WHERE name = 'otel_tls_refused'"), 0);
}

}  // namespace
}  // namespace ocelot::testing
