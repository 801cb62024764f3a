// The `tls` block of a client (otelcol 0.96 configtls.ClientConfig), shared by the otlp (gRPC)
// and otlphttp exporters: the option table, its validation, and loading the PEM material.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "config/decoder.h"

namespace ocelot::exporterhelper {

struct ClientTlsSettings {
  bool insecure = false;              // gRPC: plaintext; HTTP: do not verify (as otelcol does)
  bool insecure_skip_verify = false;  // TLS without verifying the server's certificate
  std::string ca_file, ca_pem;        // roots; empty: the system's
  std::string cert_file, cert_pem;    // client certificate (mutual TLS)
  std::string key_file, key_pem;
  std::string server_name_override;
  std::string min_version;  // "1.0".."1.3"; empty: 1.2 as in otelcol
  std::string max_version;  // empty: the library's highest

  bool has_ca() const { return !ca_file.empty() || !ca_pem.empty(); }
  bool has_client_cert() const { return !cert_file.empty() || !cert_pem.empty(); }
};

// The PEM texts, read from the files (or taken inline), at start as otelcol loads them.
struct TlsMaterial {
  std::string ca;
  std::string cert;
  std::string key;
};

// Decodes the `tls` key of `d`.
void DecodeClientTls(config::MapDecoder& d, ClientTlsSettings* out);
void ValidateClientTls(config::MapDecoder& d, const ClientTlsSettings& s);
absl::StatusOr<TlsMaterial> LoadTlsMaterial(const ClientTlsSettings& s);

}  // namespace ocelot::exporterhelper
