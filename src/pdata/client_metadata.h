// What otelcol calls client.Info.Metadata: the gRPC metadata or HTTP headers of the request
// that brought some data, attached by a receiver configured with `include_metadata: true`.
// The batch processor's `metadata_keys` batches by it. Keys are kept lowercase (HTTP headers
// and gRPC metadata keys are case-insensitive); a key can carry several values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ocelot::pdata {

class ClientMetadata {
 public:
  void Add(std::string_view key, std::string_view value);
  // The values of `key` in any case, in the order received; empty when absent.
  const std::vector<std::string>& Get(std::string_view key) const;
  bool empty() const { return values_.empty(); }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

}  // namespace ocelot::pdata
