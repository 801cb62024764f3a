#include "exporterhelper/sender.h"

#include <string>

#include "absl/strings/cord.h"

namespace ocelot::exporterhelper {
namespace {

constexpr char kRetryAfterUrl[] = "type.ocelot/exporterhelper.RetryAfterNanos";

}  // namespace

absl::Status WithRetryAfter(absl::Status status, std::chrono::nanoseconds delay) {
  status.SetPayload(kRetryAfterUrl, absl::Cord(std::to_string(delay.count())));
  return status;
}

std::optional<std::chrono::nanoseconds> RetryAfterOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryAfterUrl);
  if (!payload) return std::nullopt;
  std::string text(*payload);
  char* end = nullptr;
  long long n = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || n < 0) return std::nullopt;
  return std::chrono::nanoseconds(n);
}

absl::Status Sender::Send(const pdata::Traces&, Deadline) {
  return consumer::Permanent("this exporter does not export traces");
}
absl::Status Sender::Send(const pdata::Metrics&, Deadline) {
  return consumer::Permanent("this exporter does not export metrics");
}
absl::Status Sender::Send(const pdata::Logs&, Deadline) {
  return consumer::Permanent("this exporter does not export logs");
}

size_t ItemCount(const Request& r) {
  return std::visit([](const auto& b) { return b.item_count(); }, r);
}

pdata::Signal SignalOf(const Request& r) {
  switch (r.index()) {
    case 0:
      return pdata::Signal::kTraces;
    case 1:
      return pdata::Signal::kMetrics;
    default:
      return pdata::Signal::kLogs;
  }
}

}  // namespace ocelot::exporterhelper
