// libcurl, loaded on first use. The collector links this shim instead of libcurl itself: it
// defines the handful of libcurl functions ocelot calls and forwards each to the real one,
// found with dlopen("libcurl.so.4") the first time any of them runs.
//
// Why: Debian's libcurl pulls in about 30 shared libraries (GnuTLS, Kerberos, LDAP, SSH, RTMP,
// p11-kit, ...). Linked directly, every collector maps and relocates all of them and runs their
// constructors at start, HTTP exporter or not: measured on our 2-core machine, idle RSS
// 21.6 MiB and 42 shared objects, against about 17 MiB without them (bench/README.md).
// Configurations with an HTTP client (otlphttp, clickhouse, verify, top) load it when they
// first need it; the others never do.
//
// If libcurl cannot be loaded, curl_global_init answers CURLE_FAILED_INIT, curl_easy_init null
// and every other entry point an error or nothing, so callers see "cannot send", never a crash;
// the dlopen error is logged once.
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace {

struct Api {
  CURLcode (*global_init)(long);
  void (*global_cleanup)();
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  char* (*easy_escape)(CURL*, const char*, int);
  void (*free)(void*);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
  bool loaded = false;
};

template <typename F>
bool Bind(void* lib, const char* name, F* out) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  return *out != nullptr;
}

const Api& Load() {
  static Api api;
  static std::once_flag once;
  std::call_once(once, [] {
    // OCELOT_LIBCURL names another library file (tests; unusual installs).
    const char* path = std::getenv("OCELOT_LIBCURL");
    if (path == nullptr || *path == '\0') path = "libcurl.so.4";
    void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      std::fprintf(stderr, "ocelot: cannot load %s (HTTP clients disabled): %s\n", path, dlerror());
      return;
    }
    api.loaded = Bind(lib, "curl_global_init", &api.global_init) &&
                 Bind(lib, "curl_global_cleanup", &api.global_cleanup) &&
                 Bind(lib, "curl_easy_init", &api.easy_init) &&
                 Bind(lib, "curl_easy_setopt", &api.easy_setopt) &&
                 Bind(lib, "curl_easy_perform", &api.easy_perform) &&
                 Bind(lib, "curl_easy_getinfo", &api.easy_getinfo) &&
                 Bind(lib, "curl_easy_cleanup", &api.easy_cleanup) &&
                 Bind(lib, "curl_easy_reset", &api.easy_reset) &&
                 Bind(lib, "curl_easy_strerror", &api.easy_strerror) &&
                 Bind(lib, "curl_easy_escape", &api.easy_escape) &&
                 Bind(lib, "curl_free", &api.free) &&
                 Bind(lib, "curl_slist_append", &api.slist_append) &&
                 Bind(lib, "curl_slist_free_all", &api.slist_free_all);
    if (!api.loaded) std::fprintf(stderr, "ocelot: libcurl.so.4 lacks a needed function\n");
  });
  return api;
}

}  // namespace

// Every entry point answers an error (or does nothing) when libcurl is missing, so a caller that
// did not check curl_easy_init's null still gets "cannot send" rather than a crash.
extern "C" {

CURLcode curl_global_init(long flags) {
  const Api& a = Load();
  return a.loaded ? a.global_init(flags) : CURLE_FAILED_INIT;
}

void curl_global_cleanup() {
  const Api& a = Load();
  if (a.loaded) a.global_cleanup();
}

CURL* curl_easy_init() {
  const Api& a = Load();
  return a.loaded ? a.easy_init() : nullptr;
}

// Every option takes exactly one argument, whose type the option number's range tells
// (curl.h's CURLOPTTYPE_* bases): forwarded with that type.
#undef curl_easy_setopt
CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  const Api& a = Load();
  if (!a.loaded) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    rc = a.easy_setopt(handle, option, va_arg(ap, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    rc = a.easy_setopt(handle, option, va_arg(ap, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    using Fn = void (*)();
    rc = a.easy_setopt(handle, option, va_arg(ap, Fn));
  } else if (option < CURLOPTTYPE_BLOB) {
    rc = a.easy_setopt(handle, option, va_arg(ap, curl_off_t));
  } else {
    rc = a.easy_setopt(handle, option, va_arg(ap, void*));
  }
  va_end(ap);
  return rc;
}

CURLcode curl_easy_perform(CURL* handle) {
  const Api& a = Load();
  return a.loaded ? a.easy_perform(handle) : CURLE_FAILED_INIT;
}

// Every CURLINFO takes one pointer to where the answer goes.
#undef curl_easy_getinfo
CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...) {
  va_list ap;
  va_start(ap, info);
  void* out = va_arg(ap, void*);
  va_end(ap);
  const Api& a = Load();
  return a.loaded ? a.easy_getinfo(handle, info, out) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL* handle) {
  const Api& a = Load();
  if (handle != nullptr && a.loaded) a.easy_cleanup(handle);
}

void curl_easy_reset(CURL* handle) {
  const Api& a = Load();
  if (a.loaded) a.easy_reset(handle);
}

const char* curl_easy_strerror(CURLcode code) {
  const Api& a = Load();
  return a.loaded ? a.easy_strerror(code) : "libcurl is not available";
}

char* curl_easy_escape(CURL* handle, const char* s, int length) {
  const Api& a = Load();
  return a.loaded ? a.easy_escape(handle, s, length) : nullptr;
}

void curl_free(void* p) {
  const Api& a = Load();
  if (p != nullptr && a.loaded) a.free(p);
}

curl_slist* curl_slist_append(curl_slist* list, const char* s) {
  const Api& a = Load();
  return a.loaded ? a.slist_append(list, s) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  const Api& a = Load();
  if (list != nullptr && a.loaded) a.slist_free_all(list);
}

}  // extern "C"
