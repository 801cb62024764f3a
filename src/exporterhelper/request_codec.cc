#include "exporterhelper/request_codec.h"

#include <climits>

namespace ocelot::exporterhelper {
namespace {

constexpr char kFormat = 1;
constexpr size_t kHeaderSize = 6;

template <typename Request>
absl::StatusOr<pdata::Batch<Request>> Parse(std::string_view bytes) {
  auto chunk = std::make_shared<pdata::Chunk<Request>>();
  if (bytes.size() > INT_MAX ||
      !chunk->message().ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("stored " + std::string(Request::descriptor()->name()) +
                               " does not parse (" + std::to_string(bytes.size()) + " bytes)");
  }
  return pdata::Batch<Request>(std::move(chunk));
}

}  // namespace

void EncodeRequest(const Request& request, std::string* out) {
  out->push_back(kFormat);
  out->push_back(static_cast<char>(request.index()));
  uint32_t items = static_cast<uint32_t>(ItemCount(request));
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(items >> (8 * i)));
  std::visit(
      [&](const auto& batch) {
        size_t size = out->size();
        for (const auto& e : batch.entries()) size += e.chunk->message().ByteSizeLong();
        out->reserve(size);
        for (const auto& e : batch.entries()) e.chunk->message().AppendToString(out);
      },
      request);
}

absl::StatusOr<Request> DecodeRequest(std::string_view record) {
  if (record.size() < kHeaderSize || record[0] != kFormat) {
    return absl::DataLossError("stored record has an unknown format (" +
                               std::to_string(record.size()) + " bytes)");
  }
  std::string_view bytes = record.substr(kHeaderSize);
  switch (record[1]) {
    case 0: {
      auto b = Parse<pdata::TracesRequest>(bytes);
      if (!b.ok()) return b.status();
      return Request(std::move(*b));
    }
    case 1: {
      auto b = Parse<pdata::MetricsRequest>(bytes);
      if (!b.ok()) return b.status();
      return Request(std::move(*b));
    }
    case 2: {
      auto b = Parse<pdata::LogsRequest>(bytes);
      if (!b.ok()) return b.status();
      return Request(std::move(*b));
    }
    default:
      return absl::DataLossError("stored record has an unknown signal " +
                                 std::to_string(static_cast<int>(record[1])));
  }
}

size_t RecordItemCount(std::string_view record) {
  if (record.size() < kHeaderSize || record[0] != kFormat) return 0;
  uint32_t items = 0;
  for (int i = 0; i < 4; ++i)
    items |= static_cast<uint32_t>(static_cast<uint8_t>(record[2 + i])) << (8 * i);
  return items;
}

}  // namespace ocelot::exporterhelper
