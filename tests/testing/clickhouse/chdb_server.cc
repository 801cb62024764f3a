// Runs clickhouse-local from libchdb.so as a ClickHouse server for tests: starts its HTTP and
// native listeners, then keeps main() busy with a query that sleeps until the process is killed.
//
//   chdb_server --lib=/path/libchdb.so --config-file=config.xml --path=data_dir/
//
// The library is loaded with dlopen so that building ocelot never needs chdb installed.
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Layout of chdb's `struct local_result_v2` (programs/local/chdb.h).
struct LocalResultV2 {
  char* buf;
  size_t len;
  void* vec;
  double elapsed;
  uint64_t rows_read;
  uint64_t bytes_read;
  char* error_message;
};
using QueryStableV2 = LocalResultV2* (*)(int argc, char** argv);

// One sleeping row per block (sleepEachRow caps a block at 3 s), one thread, forever.
constexpr char kQuery[] =
    "SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; "
    "SELECT sleepEachRow(1) FROM system.numbers "
    "SETTINGS max_block_size = 1, max_threads = 1 FORMAT Null";

}  // namespace

int main(int argc, char** argv) {
  std::string lib;
  if (const char* env = std::getenv("OCELOT_CHDB_LIB")) lib = env;
  std::vector<std::string> args = {"clickhouse", "--log-level=information"};
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--lib=")) {
      lib = arg.substr(6);
    } else {
      args.emplace_back(arg);
    }
  }
  if (lib.empty()) {
    std::fprintf(stderr, "chdb_server: pass --lib=/path/to/libchdb.so or set OCELOT_CHDB_LIB\n");
    return 2;
  }
  args.push_back("--query=" + std::string(kQuery));

  void* handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::fprintf(stderr, "chdb_server: dlopen %s: %s\n", lib.c_str(), dlerror());
    return 2;
  }
  auto query = reinterpret_cast<QueryStableV2>(dlsym(handle, "query_stable_v2"));
  if (query == nullptr) {
    std::fprintf(stderr, "chdb_server: %s has no query_stable_v2: %s\n", lib.c_str(), dlerror());
    return 2;
  }

  std::vector<char*> c_args;
  for (auto& a : args) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  LocalResultV2* result = query(static_cast<int>(c_args.size() - 1), c_args.data());
  // Only reached when the server failed to start or the keep-alive query ended.
  if (result == nullptr) {
    std::fprintf(stderr, "chdb_server: query_stable_v2 returned no result\n");
    return 1;
  }
  if (result->error_message != nullptr) {
    std::fprintf(stderr, "chdb_server: %s\n", result->error_message);
    return 1;
  }
  std::fprintf(stderr, "chdb_server: keep-alive query ended\n");
  return 1;
}
