#include "exporterhelper/client_tls.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ocelot::exporterhelper {
namespace {

const std::vector<std::string> kTlsVersions = {"1.0", "1.1", "1.2", "1.3"};

absl::StatusOr<std::string> ReadPem(const std::string& what, const std::string& file,
                                    const std::string& inline_pem) {
  if (file.empty()) return inline_pem;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError("failed to load TLS config: cannot read " + what + " " +
                                         file);
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

void DecodeClientTls(config::MapDecoder& d, ClientTlsSettings* out) {
  d.Object("tls", [&](config::MapDecoder& t) {
    t.Field("insecure", &out->insecure);
    t.Field("insecure_skip_verify", &out->insecure_skip_verify);
    t.Field("ca_file", &out->ca_file);
    t.Field("ca_pem", &out->ca_pem);
    t.Field("cert_file", &out->cert_file);
    t.Field("cert_pem", &out->cert_pem);
    t.Field("key_file", &out->key_file);
    t.Field("key_pem", &out->key_pem);
    t.Field("server_name_override", &out->server_name_override);
    t.Field("min_version", &out->min_version);
    t.Field("max_version", &out->max_version);
    // Accepted by otelcol 0.96 but not implemented here: present and non-empty is an error,
    // so a config relying on them fails loudly.
    for (const char* key : {"cipher_suites", "reload_interval", "include_system_ca_certs_pool"}) {
      const config::Node* n = t.Take(key);
      if (n == nullptr || n->is_null()) continue;
      if (n->is_scalar() && (n->scalar().empty() || n->scalar() == "false" || n->scalar() == "0" ||
                             n->scalar() == "0s")) {
        continue;
      }
      if (n->is_sequence() && n->entries().empty()) continue;
      t.Error(key, std::string("\"") + key + "\" is not supported by ocelot yet");
    }
  });
}

void ValidateClientTls(config::MapDecoder& d, const ClientTlsSettings& s) {
  if (!s.cert_file.empty() && !s.cert_pem.empty()) {
    d.Error("tls", "provide either cert_file or cert_pem, not both");
  }
  if (!s.key_file.empty() && !s.key_pem.empty()) {
    d.Error("tls", "provide either key_file or key_pem, not both");
  }
  if (!s.ca_file.empty() && !s.ca_pem.empty()) {
    d.Error("tls", "provide either ca_file or ca_pem, not both");
  }
  bool has_key = !s.key_file.empty() || !s.key_pem.empty();
  if (s.has_client_cert() != has_key) {
    d.Error("tls", "for auth via TLS, provide both certificate and key, or neither");
  }
  for (const std::string* v : {&s.min_version, &s.max_version}) {
    if (!v->empty() &&
        std::find(kTlsVersions.begin(), kTlsVersions.end(), *v) == kTlsVersions.end()) {
      d.Error("tls", "unsupported TLS version: \"" + *v + "\" (expected 1.0, 1.1, 1.2 or 1.3)");
    }
  }
}

absl::StatusOr<TlsMaterial> LoadTlsMaterial(const ClientTlsSettings& s) {
  TlsMaterial m;
  auto ca = ReadPem("CA file", s.ca_file, s.ca_pem);
  if (!ca.ok()) return ca.status();
  auto cert = ReadPem("certificate file", s.cert_file, s.cert_pem);
  if (!cert.ok()) return cert.status();
  auto key = ReadPem("key file", s.key_file, s.key_pem);
  if (!key.ok()) return key.status();
  m.ca = *std::move(ca);
  m.cert = *std::move(cert);
  m.key = *std::move(key);
  return m;
}

}  // namespace ocelot::exporterhelper
