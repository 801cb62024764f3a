// Trusted CAs beyond libcurl's built-in store, as Go programs find them. otelcol-contrib is a Go
// program, and Go's crypto/x509 on Linux reads SSL_CERT_FILE (instead of the system bundle) and
// SSL_CERT_DIR (instead of the system directories, ':'-separated): that is how deployments
// trust a private CA where an exporter has no `tls` keys (clickhouse) or none are set. Debian's
// libcurl reads neither (it is built with a fixed bundle and path), so they are passed on: the
// file as CURLOPT_CAINFO (the system directory stays in CURLOPT_CAPATH, as Go keeps its
// directories), the directories as CURLOPT_CAPATH (OpenSSL splits it at ':' too).
#pragma once

#include <curl/curl.h>

namespace ocelot::net {

// Applies SSL_CERT_FILE / SSL_CERT_DIR (read once per process) to `curl`; nothing when unset.
void TrustCasFromEnvironment(CURL* curl);

}  // namespace ocelot::net
