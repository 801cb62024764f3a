// The clickhouse exporter's sender: at start, resolves the connection and creates/checks the
// schema of the signals this exporter serves; per batch, encodes one RowBinary block per table
// (rows/) and POSTs each as one INSERT.
//
// Start fails when the schema cannot be created or checked (server unreachable, bad password,
// missing permission, a conflicting table): as otelcol-contrib 0.96, whose start() runs the DDL,
// the collector then exits with that one-line error instead of running without its tables.
//
// Metrics: the five per-type blocks are inserted one after another (0.96 inserts them
// concurrently); the first failure fails the batch, so a retry may insert the blocks that had
// succeeded again (0.96 behaves the same, each type being its own transaction).
//
// Threads: Send runs on the queue's consumer threads (num_consumers, default 1) concurrently.
#pragma once

#include <memory>
#include <vector>

#include "exporter/clickhouse/client.h"
#include "exporter/clickhouse/config.h"
#include "exporterhelper/sender.h"

namespace ocelot::exporter::clickhouse {

class ClickHouseSender final : public exporterhelper::Sender {
 public:
  // Time allowed to each start-up statement (at least the configured timeout).
  static constexpr std::chrono::seconds kDdlTimeout{30};

  ClickHouseSender(const Config& config, const component::CreateSettings& settings);
  ~ClickHouseSender() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;

  absl::Status Send(const pdata::Traces& batch, exporterhelper::Deadline deadline) override;
  absl::Status Send(const pdata::Metrics& batch, exporterhelper::Deadline deadline) override;
  absl::Status Send(const pdata::Logs& batch, exporterhelper::Deadline deadline) override;

  // The signals whose tables Start prepares: those of the pipelines that list `id`, or all
  // three when the host does not describe its pipelines.
  static std::vector<pdata::Signal> SignalsOf(const component::Host& host, const component::Id& id);

 private:
  absl::Status InsertAll(const std::vector<InsertBlock>& blocks, exporterhelper::Deadline deadline);

  const Config config_;
  const component::Id id_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<Client> client_;  // set by Start
};

}  // namespace ocelot::exporter::clickhouse
