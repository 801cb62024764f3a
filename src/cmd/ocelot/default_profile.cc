#include "cmd/ocelot/default_profile.h"

namespace ocelot::cmd {

const char kDefaultProfileName[] = "<default profile>";

const char kDefaultProfile[] = R"yaml(
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: localhost:4317
      http:
        endpoint: localhost:4318

processors:
  batch:
    timeout: 1s
    send_batch_size: 1024

exporters:
  file/traces:
    path: ${env:HOME}/.ocelot/data/traces.json
    rotation: {max_megabytes: 100, max_days: 7, max_backups: 5}
  file/metrics:
    path: ${env:HOME}/.ocelot/data/metrics.json
    rotation: {max_megabytes: 100, max_days: 7, max_backups: 5}
  file/logs:
    path: ${env:HOME}/.ocelot/data/logs.json
    rotation: {max_megabytes: 100, max_days: 7, max_backups: 5}

service:
  telemetry:
    logs:
      level: info
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [file/traces]
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [file/metrics]
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [file/logs]
)yaml";

}  // namespace ocelot::cmd
