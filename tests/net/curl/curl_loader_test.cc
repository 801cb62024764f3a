// The libcurl shim: nothing of libcurl is mapped until the first call, and calls of every
// argument kind (long, pointer, function, curl_off_t options; getinfo) reach the real library.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "net/http_server.h"

namespace ocelot::net {
namespace {

bool LibcurlMapped() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find("libcurl.so") != std::string::npos;
}

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

TEST(CurlLoader, LoadsLibcurlOnFirstUseAndForwardsEveryArgumentKind) {
  EXPECT_FALSE(LibcurlMapped());  // linking the collector no longer loads it
  ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
  EXPECT_TRUE(LibcurlMapped());

  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread runner([&io] { io.run(); });
  HttpServerOptions options;
  options.endpoint = "127.0.0.1:0";
  auto started = HttpServer::Start(io, options, [](const HttpRequest& r) {
    HttpResponse response;
    response.body = r.method + " " + r.body;
    return response;
  });
  ASSERT_TRUE(started.ok()) << started.status();
  HttpServer& server = **started;

  CURL* curl = curl_easy_init();
  ASSERT_NE(curl, nullptr);
  std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/x";
  std::string body = "hello-and-more";
  std::string answer;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: text/plain");
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_URL, url.c_str()), CURLE_OK);  // pointer
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L), CURLE_OK);      // long
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers), CURLE_OK);
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data()), CURLE_OK);
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{5}), CURLE_OK);
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Collect), CURLE_OK);  // function
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer), CURLE_OK);
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  long status = 0;
  EXPECT_EQ(curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status), CURLE_OK);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(answer, "POST hello");  // the off_t size (5) was honoured

  char* escaped = curl_easy_escape(curl, "a b", 3);
  EXPECT_STREQ(escaped, "a%20b");
  curl_free(escaped);
  EXPECT_STREQ(curl_easy_strerror(CURLE_OK), "No error");
  curl_slist_free_all(headers);
  curl_easy_reset(curl);
  curl_easy_cleanup(curl);
  server.Stop();
  guard.reset();
  io.stop();
  runner.join();
}

}  // namespace
}  // namespace ocelot::net
