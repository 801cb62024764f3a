// The libcurl shim when the library cannot be loaded: every entry point answers an error or does
// nothing, so a sender sees "cannot send" instead of crashing. Its own binary: the shim loads
// (or fails to load) once per process.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace {

TEST(CurlLoader, WithoutLibcurlEveryCallFailsCleanly) {
  ::setenv("OCELOT_LIBCURL", "/nonexistent/libcurl.so.4", 1);
  EXPECT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_FAILED_INIT);
  CURL* curl = curl_easy_init();
  EXPECT_EQ(curl, nullptr);
  // Callers that did not check the null handle still get errors, not a crash.
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_URL, "http://127.0.0.1:1/"), CURLE_FAILED_INIT);
  EXPECT_EQ(curl_easy_perform(curl), CURLE_FAILED_INIT);
  long status = 0;
  EXPECT_EQ(curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status), CURLE_FAILED_INIT);
  EXPECT_EQ(curl_slist_append(nullptr, "A: b"), nullptr);
  EXPECT_EQ(curl_easy_escape(curl, "a b", 3), nullptr);
  EXPECT_STREQ(curl_easy_strerror(CURLE_OK), "libcurl is not available");
  curl_easy_reset(curl);
  curl_easy_cleanup(curl);
  curl_global_cleanup();
}

}  // namespace
