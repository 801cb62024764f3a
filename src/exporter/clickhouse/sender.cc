#include "exporter/clickhouse/sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "consumer/consumer.h"
#include "exporter/clickhouse/schema.h"

namespace ocelot::exporter::clickhouse {

ClickHouseSender::ClickHouseSender(const Config& config, const component::CreateSettings& settings)
    : config_(config),
      id_(settings.id),
      logger_(settings.logger ? settings.logger : spdlog::default_logger()) {}

ClickHouseSender::~ClickHouseSender() = default;

std::vector<pdata::Signal> ClickHouseSender::SignalsOf(const component::Host& host,
                                                       const component::Id& id) {
  const component::CollectorDescription* d = host.description();
  if (d == nullptr) return {pdata::Signal::kTraces, pdata::Signal::kMetrics, pdata::Signal::kLogs};
  std::vector<pdata::Signal> out;
  for (pdata::Signal s : {pdata::Signal::kTraces, pdata::Signal::kMetrics, pdata::Signal::kLogs}) {
    const std::string name = pdata::SignalName(s);
    for (const component::PipelineDescription& p : d->pipelines) {
      bool listed = std::find(p.exporters.begin(), p.exporters.end(), id) != p.exporters.end();
      if (listed && (p.name == name || p.name.rfind(name + "/", 0) == 0)) {
        out.push_back(s);
        break;
      }
    }
  }
  return out;
}

absl::Status ClickHouseSender::Start(component::Host& host) {
  auto connection = ResolveConnection(config_);
  if (!connection.ok()) return connection.status();
  client_ = std::make_unique<Client>(*std::move(connection));
  const std::vector<pdata::Signal> signals = SignalsOf(host, id_);
  auto timeout = std::max<std::chrono::milliseconds>(
      kDdlTimeout,
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.helper.timeout.timeout));
  absl::Status s = EnsureSchema(*client_, DdlOptions::From(config_, client_->connection().database),
                                config_.create_schema, signals, timeout);
  if (!s.ok()) {
    client_.reset();
    return s;  // the service names the exporter
  }
  logger_->info("ClickHouse at {} ready, database {}{}", client_->connection().base_url,
                client_->connection().database,
                config_.create_schema ? " (schema created or present)" : " (schema checked)");
  return absl::OkStatus();
}

void ClickHouseSender::Shutdown() {
  if (client_) client_->CloseIdle();
}

absl::Status ClickHouseSender::InsertAll(const std::vector<InsertBlock>& blocks,
                                         exporterhelper::Deadline deadline) {
  if (!client_) return consumer::Retryable("exporter " + id_.ToString() + " is not started");
  for (const InsertBlock& block : blocks) {
    if (block.rows == 0) continue;
    auto started = std::chrono::steady_clock::now();
    absl::Status s = client_->Insert(block, deadline);
    if (!s.ok()) {
      return absl::Status(s.code(), "insert into " + client_->connection().database + "." +
                                        block.table + " (" + std::to_string(block.rows) +
                                        " rows) failed: " + std::string(s.message()));
    }
    logger_->debug("insert into {}: {} rows, {} bytes, {} ms", block.table, block.rows,
                   block.body.size(),
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count());
  }
  return absl::OkStatus();
}

absl::Status ClickHouseSender::Send(const pdata::Traces& batch, exporterhelper::Deadline deadline) {
  return InsertAll({EncodeTraces(batch, config_.tables())}, deadline);
}

absl::Status ClickHouseSender::Send(const pdata::Logs& batch, exporterhelper::Deadline deadline) {
  return InsertAll({EncodeLogs(batch, config_.tables())}, deadline);
}

absl::Status ClickHouseSender::Send(const pdata::Metrics& batch,
                                    exporterhelper::Deadline deadline) {
  auto blocks = EncodeMetrics(batch, config_.tables());
  if (!blocks.ok()) return consumer::Permanent(std::string(blocks.status().message()));
  return InsertAll(*blocks, deadline);
}

}  // namespace ocelot::exporter::clickhouse
