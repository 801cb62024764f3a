// file exporter options, as otelcol-contrib 0.96's fileexporter.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "component/factory.h"
#include "exporterhelper/settings.h"

namespace ocelot::exporter::file {

struct RotationConfig {
  int max_megabytes = 100;  // rotate before the file would grow past this
  int max_days = 0;         // delete backups older than this; 0: keep regardless of age
  int max_backups = 100;    // keep at most this many backups; 0: keep all
  bool localtime = false;   // backup timestamps in local time instead of UTC
};

struct Config final : component::Config {
  std::string path;
  bool append = false;  // without rotation: append to the file (true) or truncate it at start
  std::optional<RotationConfig> rotation;  // rotation only when the key is present, as in Go
  std::string format = "json";             // json: one object per line; proto: length-prefixed
  std::string compression;                 // "" or "zstd" (each message compressed)
  config::Duration flush_interval = std::chrono::seconds(1);
  // The exporter helper's sending queue; disabled unless configured, so writes stay synchronous
  // (back-pressure reaches the receiver) as with otelcol's file exporter.
  exporterhelper::QueueSettings queue = [] {
    exporterhelper::QueueSettings q;
    q.enabled = false;
    return q;
  }();

  void Decode(config::MapDecoder& d) override {
    d.Field("path", &path);
    d.Field("append", &append);
    if (d.Peek("rotation") != nullptr) {
      rotation.emplace();
      d.Object("rotation", [&](config::MapDecoder& r) {
        r.Field("max_megabytes", &rotation->max_megabytes);
        r.Field("max_days", &rotation->max_days);
        r.Field("max_backups", &rotation->max_backups);
        r.Field("localtime", &rotation->localtime);
      });
    }
    d.Enum("format", &format, {"json", "proto"});
    d.Enum("compression", &compression, {"", "zstd"});
    d.Field("flush_interval", &flush_interval);
    exporterhelper::DecodeQueue(d, &queue);
  }

  void Validate(config::MapDecoder& d) const override {
    if (path.empty()) d.Error("path", "path must be set (the file to write)");
    if (rotation) {
      if (rotation->max_megabytes <= 0) d.Error("rotation", "max_megabytes must be positive");
      if (rotation->max_days < 0) d.Error("rotation", "max_days must not be negative");
      if (rotation->max_backups < 0) d.Error("rotation", "max_backups must not be negative");
      if (append) d.Error("append", "append and rotation cannot be used together");
    }
    if (flush_interval.count() <= 0) d.Error("flush_interval", "flush_interval must be positive");
    exporterhelper::ValidateQueue(d, queue);
  }

  std::vector<std::string> Summary() const override {
    std::string line = "writing " + format + " to " + path;
    if (rotation) {
      line += " (rotating at " + std::to_string(rotation->max_megabytes) + " MB, " +
              std::to_string(rotation->max_backups) + " backups";
      if (rotation->max_days > 0) line += ", " + std::to_string(rotation->max_days) + " days";
      line += ")";
    }
    return {line};
  }
};

}  // namespace ocelot::exporter::file
