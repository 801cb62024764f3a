#include "exporter/debug/debug_exporter.h"

#include "pdata/otlp_json.h"

namespace ocelot::exporter::debug {
namespace {

template <typename Request>
std::string RenderBatch(const Config& config, const pdata::Batch<Request>& batch, const char* what,
                        const std::string& counts,
                        const std::function<void(const Request&, std::string*)>& lines) {
  std::string out = std::string(what) + " " + counts + "\n";
  if (config.verbosity == "basic") return out;
  for (const auto& entry : batch.entries()) {
    if (config.verbosity == "detailed") {
      pdata::AppendOtlpJson(entry.chunk->message(), &out);
      out.push_back('\n');
    } else {
      lines(entry.chunk->message(), &out);
    }
  }
  return out;
}

}  // namespace

DebugExporter::DebugExporter(const Config& config, std::FILE* out,
                             telemetry::MetricsRegistry* metrics, const std::string& id)
    : config_(config), out_(out), telemetry_(metrics, id) {}

std::string DebugExporter::Render(const pdata::Traces& batch) const {
  size_t resources = 0;
  for (const auto& e : batch.entries()) resources += e.chunk->message().resource_spans_size();
  return RenderBatch<pdata::TracesRequest>(
      config_, batch, "Traces",
      "{\"resource spans\": " + std::to_string(resources) +
          ", \"spans\": " + std::to_string(batch.item_count()) + "}",
      [](const pdata::TracesRequest& r, std::string* out) {
        for (const auto& rs : r.resource_spans()) {
          for (const auto& ss : rs.scope_spans()) {
            for (const auto& span : ss.spans()) *out += "  span " + span.name() + "\n";
          }
        }
      });
}

std::string DebugExporter::Render(const pdata::Metrics& batch) const {
  size_t resources = 0;
  size_t metrics = 0;
  for (const auto& e : batch.entries()) {
    for (const auto& rm : e.chunk->message().resource_metrics()) {
      ++resources;
      for (const auto& sm : rm.scope_metrics()) metrics += sm.metrics_size();
    }
  }
  return RenderBatch<pdata::MetricsRequest>(
      config_, batch, "Metrics",
      "{\"resource metrics\": " + std::to_string(resources) +
          ", \"metrics\": " + std::to_string(metrics) +
          ", \"data points\": " + std::to_string(batch.item_count()) + "}",
      [](const pdata::MetricsRequest& r, std::string* out) {
        for (const auto& rm : r.resource_metrics()) {
          for (const auto& sm : rm.scope_metrics()) {
            for (const auto& m : sm.metrics()) *out += "  metric " + m.name() + "\n";
          }
        }
      });
}

std::string DebugExporter::Render(const pdata::Logs& batch) const {
  size_t resources = 0;
  for (const auto& e : batch.entries()) resources += e.chunk->message().resource_logs_size();
  return RenderBatch<pdata::LogsRequest>(
      config_, batch, "Logs",
      "{\"resource logs\": " + std::to_string(resources) +
          ", \"log records\": " + std::to_string(batch.item_count()) + "}",
      [](const pdata::LogsRequest& r, std::string* out) {
        for (const auto& rl : r.resource_logs()) {
          for (const auto& sl : rl.scope_logs()) {
            for (const auto& record : sl.log_records()) {
              *out += "  log " +
                      (record.body().has_string_value() ? record.body().string_value()
                                                        : std::string("<non-string>")) +
                      "\n";
            }
          }
        }
      });
}

absl::Status DebugExporter::Consume(pdata::Traces batch) {
  return telemetry::CountExport(telemetry_, pdata::Signal::kTraces, batch.item_count(), [&] {
    Print(Render(batch));
    return absl::OkStatus();
  });
}
absl::Status DebugExporter::Consume(pdata::Metrics batch) {
  return telemetry::CountExport(telemetry_, pdata::Signal::kMetrics, batch.item_count(), [&] {
    Print(Render(batch));
    return absl::OkStatus();
  });
}
absl::Status DebugExporter::Consume(pdata::Logs batch) {
  return telemetry::CountExport(telemetry_, pdata::Signal::kLogs, batch.item_count(), [&] {
    Print(Render(batch));
    return absl::OkStatus();
  });
}

void DebugExporter::Print(const std::string& text) {
  std::lock_guard lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace ocelot::exporter::debug
