#include "pdata/client_metadata.h"

#include <algorithm>
#include <cctype>

namespace ocelot::pdata {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

void ClientMetadata::Add(std::string_view key, std::string_view value) {
  values_[Lower(key)].emplace_back(value);
}

const std::vector<std::string>& ClientMetadata::Get(std::string_view key) const {
  static const std::vector<std::string> kNone;
  auto it = values_.find(Lower(key));
  return it == values_.end() ? kNone : it->second;
}

}  // namespace ocelot::pdata
