// The exporter helper's option table: `timeout`, `retry_on_failure` and `sending_queue`, with
// otelcol 0.96's keys, defaults and validation messages (exporterhelper.TimeoutSettings,
// configretry.BackOffConfig, exporterhelper.QueueSettings). Exporters embed these structs in
// their configs and call the Decode/Validate functions, so every exporter reads them the same
// way.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "component/component.h"
#include "config/decoder.h"

namespace ocelot::exporterhelper {

struct TimeoutSettings {
  // Per attempt; 0 means no timeout.
  config::Duration timeout = std::chrono::seconds(5);
};

struct RetrySettings {
  bool enabled = true;
  config::Duration initial_interval = std::chrono::seconds(5);
  double randomization_factor = 0.5;
  double multiplier = 1.5;
  config::Duration max_interval = std::chrono::seconds(30);
  // 0: retry forever.
  config::Duration max_elapsed_time = std::chrono::minutes(5);
};

struct QueueSettings {
  bool enabled = true;
  int num_consumers = 10;
  int queue_size = 1000;  // in batches (requests), as otelcol 0.96 counts
  // A storage extension's id; set: the queue is persistent.
  std::optional<component::Id> storage;
};

// The three together, as an exporter's create call hands them to the helper.
struct Settings {
  TimeoutSettings timeout;
  RetrySettings retry;
  QueueSettings queue;
};

// `timeout` at the exporter's top level (otelcol squashes TimeoutSettings into the config).
void DecodeTimeout(config::MapDecoder& d, TimeoutSettings* out);
void ValidateTimeout(config::MapDecoder& d, const TimeoutSettings& s);

// The `retry_on_failure` map.
void DecodeRetry(config::MapDecoder& d, RetrySettings* out);
void ValidateRetry(config::MapDecoder& d, const RetrySettings& s);

// The `sending_queue` map.
void DecodeQueue(config::MapDecoder& d, QueueSettings* out);
void ValidateQueue(config::MapDecoder& d, const QueueSettings& s);

// Summary fragment for start-up banners: "queue 1000 batches, 10 consumers" or
// "persistent queue in file_storage, ...".
std::string DescribeQueue(const QueueSettings& s);

}  // namespace ocelot::exporterhelper
