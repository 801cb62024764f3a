// The file_storage extension: hands each component its own LMDB store in `directory`, named
// as otelcol names its bbolt files (<kind>_<type>_<name>_<store>, e.g.
// exporter_otlp__sending_queue). Compacts stores on start and, when a store has shrunk back
// after a surge, on rebound.
//
// Threads: GetClient is called from components' Start; the rebound check runs on the I/O pool.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <mutex>

#include "component/component.h"
#include "exporterhelper/storage.h"
#include "extension/filestorage/config.h"
#include "extension/filestorage/lmdb_store.h"

namespace ocelot::extension::filestorage {

class FileStorage final : public component::Component, public exporterhelper::StorageExtension {
 public:
  FileStorage(const Config& config, std::shared_ptr<spdlog::logger> logger);
  ~FileStorage() override;

  absl::Status Start(component::Host& host) override;
  void Shutdown() override;

  absl::StatusOr<std::unique_ptr<exporterhelper::StorageClient>> GetClient(
      component::Kind kind, const component::Id& id, const std::string& name) override;

  // The file a (kind, id, name) store lives in.
  std::filesystem::path StorePath(component::Kind kind, const component::Id& id,
                                  const std::string& name) const;

 private:
  struct ReboundTimer;
  void CheckRebound();
  void ScheduleRebound();

  const Config config_;
  std::shared_ptr<spdlog::logger> logger_;
  std::mutex mu_;                                           // guards stores_, flagged_
  std::map<std::string, std::weak_ptr<LmdbStore>> stores_;  // by file name
  std::map<std::string, bool> flagged_;  // grew past rebound_needed_threshold_mib
  std::shared_ptr<ReboundTimer> timer_;
};

}  // namespace ocelot::extension::filestorage
