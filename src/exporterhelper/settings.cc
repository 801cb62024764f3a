// Decoding and validation of the exporter helper's options, with otelcol 0.96's messages.
#include "exporterhelper/settings.h"

namespace ocelot::exporterhelper {
namespace {

// Reports a problem at `key` inside the map `object` (e.g. sending_queue::queue_size), so the
// message carries that key's line, not the exporter's.
void ErrorIn(config::MapDecoder& d, std::string_view object, std::string_view key,
             const std::string& message) {
  const config::Node* n = d.Peek(object);
  if (n == nullptr || !n->is_map()) {
    d.Error(object, message);
    return;
  }
  config::MapDecoder sub(*n, d.PathOf(object), d.diagnostics());
  sub.Error(key, message);
}

}  // namespace

void DecodeTimeout(config::MapDecoder& d, TimeoutSettings* out) {
  d.Field("timeout", &out->timeout);
}

void ValidateTimeout(config::MapDecoder& d, const TimeoutSettings& s) {
  // Negative timeouts would fail every attempt.
  if (s.timeout.count() < 0) d.Error("timeout", "'timeout' must be non-negative");
}

void DecodeRetry(config::MapDecoder& d, RetrySettings* out) {
  d.Object("retry_on_failure", [&](config::MapDecoder& r) {
    r.Field("enabled", &out->enabled);
    r.Field("initial_interval", &out->initial_interval);
    r.Field("randomization_factor", &out->randomization_factor);
    r.Field("multiplier", &out->multiplier);
    r.Field("max_interval", &out->max_interval);
    r.Field("max_elapsed_time", &out->max_elapsed_time);
  });
}

void ValidateRetry(config::MapDecoder& d, const RetrySettings& s) {
  if (!s.enabled) return;
  auto error = [&](std::string_view key, const std::string& message) {
    ErrorIn(d, "retry_on_failure", key, message);
  };
  if (s.initial_interval.count() < 0) {
    error("initial_interval", "'initial_interval' must be non-negative");
  }
  if (s.randomization_factor < 0 || s.randomization_factor > 1) {
    error("randomization_factor", "'randomization_factor' must be within [0, 1]");
  }
  if (s.multiplier < 0) error("multiplier", "'multiplier' must be non-negative");
  if (s.max_interval.count() < 0) error("max_interval", "'max_interval' must be non-negative");
  if (s.max_elapsed_time.count() < 0) {
    error("max_elapsed_time", "'max_elapsed_time' must be non-negative");
  }
  if (s.max_elapsed_time.count() > 0) {
    if (s.max_elapsed_time < s.initial_interval) {
      error("max_elapsed_time", "'max_elapsed_time' must not be less than 'initial_interval'");
    }
    if (s.max_elapsed_time < s.max_interval) {
      error("max_elapsed_time", "'max_elapsed_time' must not be less than 'max_interval'");
    }
  }
}

void DecodeQueue(config::MapDecoder& d, QueueSettings* out) {
  d.Object("sending_queue", [&](config::MapDecoder& q) {
    q.Field("enabled", &out->enabled);
    q.Field("num_consumers", &out->num_consumers);
    q.Field("queue_size", &out->queue_size);
    std::string storage;
    q.Field("storage", &storage);
    if (!storage.empty()) {
      auto id = component::Id::Parse(storage);
      if (id.ok()) {
        out->storage = *id;
      } else {
        q.Error("storage", std::string(id.status().message()));
      }
    }
  });
}

void ValidateQueue(config::MapDecoder& d, const QueueSettings& s) {
  if (!s.enabled) return;
  if (s.queue_size <= 0) ErrorIn(d, "sending_queue", "queue_size", "queue size must be positive");
  if (s.num_consumers <= 0) {
    ErrorIn(d, "sending_queue", "num_consumers", "number of queue consumers must be positive");
  }
}

std::string DescribeQueue(const QueueSettings& s) {
  if (!s.enabled) return "no sending queue (each batch is sent on the caller's thread)";
  std::string out = s.storage ? "persistent queue in " + s.storage->ToString() : "queue";
  out += " of " + std::to_string(s.queue_size) + " batches, " + std::to_string(s.num_consumers) +
         " consumers";
  return out;
}

}  // namespace ocelot::exporterhelper
