#include "net/curl/trusted_cas.h"

#include <cstdlib>
#include <string>

namespace ocelot::net {
namespace {

struct TrustedCas {
  std::string file;
  std::string dirs;
};

// Read once: the environment does not change while the collector runs.
const TrustedCas& FromEnvironment() {
  static const TrustedCas kCas = [] {
    TrustedCas cas;
    if (const char* f = std::getenv("SSL_CERT_FILE"); f != nullptr) cas.file = f;
    if (const char* d = std::getenv("SSL_CERT_DIR"); d != nullptr) cas.dirs = d;
    return cas;
  }();
  return kCas;
}

}  // namespace

void TrustCasFromEnvironment(CURL* curl) {
  const TrustedCas& cas = FromEnvironment();
  if (!cas.file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, cas.file.c_str());
  if (!cas.dirs.empty()) curl_easy_setopt(curl, CURLOPT_CAPATH, cas.dirs.c_str());
}

}  // namespace ocelot::net
