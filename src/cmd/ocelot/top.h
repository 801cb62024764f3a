// `ocelot top`: a live view of a running collector from its own /metrics: one row per
// receiver, processor and exporter with items per second in and out, refused and failed items
// and queue fill, plus the process's memory and CPU. Redraws each second on a terminal; plain
// text blocks otherwise; `--once` prints one block (rates averaged since the process started).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cmd/ocelot/cli.h"
#include "telemetry/metrics.h"

namespace ocelot::cmd {

// Prometheus text exposition (0.0.4) into samples; comments and malformed lines are skipped.
std::vector<telemetry::Sample> ParsePrometheusText(const std::string& text);

struct TopRow {
  std::string component;  // "receiver/otlp", "processor/batch", "exporter/otlp"
  double in = 0;          // items, totals since start
  double out = 0;
  double refused = 0;  // receivers: refused; processors: dropped
  double failed = 0;   // exporters: send_failed + enqueue_failed
  std::optional<double> queue_size;
  std::optional<double> queue_capacity;
};

struct TopSnapshot {
  std::vector<TopRow> rows;  // receivers, processors, exporters, each sorted by id
  double uptime_seconds = 0;
  double cpu_seconds = 0;
  double rss_bytes = 0;
  double heap_bytes = 0;
  std::string instance;  // service_instance_id
  std::string version;   // service_version
};

TopSnapshot BuildSnapshot(const std::vector<telemetry::Sample>& samples);

// One screen. With `before` the rates are over the time between the snapshots; without, they
// are averages since the process started.
std::string RenderTop(const TopSnapshot& now, const TopSnapshot* before, const std::string& url);

// Where the metrics of the collector configured by `options.configs` are served.
absl::StatusOr<std::string> MetricsUrlFromConfig(const Options& options);

int TopCommand(const Options& options);

}  // namespace ocelot::cmd
