// The storage extension interface (otelcol's extension/experimental/storage): a storage
// extension hands each component its own ordered key/value store, which the persistent sending
// queue and the pipeline-entrance journal keep their records in. `file_storage` implements it
// on LMDB; a component finds it with Host::GetExtension(id) and FindStorage below.
//
// Threads: every method of a client is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "component/component.h"

namespace ocelot::exporterhelper {

class StorageClient {
 public:
  struct Operation {
    enum class Kind { kSet, kDelete };
    Kind kind;
    std::string key;
    std::string_view value;  // for kSet; borrowed until Apply returns
  };

  virtual ~StorageClient() = default;
  virtual absl::StatusOr<std::optional<std::string>> Get(std::string_view key) = 0;
  // Applies every operation in one transaction: all of them or none. When Apply returns OK the
  // data survives a crash of the process (and, with the extension's fsync, of the machine).
  virtual absl::Status Apply(const std::vector<Operation>& ops) = 0;
  absl::Status Set(std::string_view key, std::string_view value) {
    return Apply({Operation{Operation::Kind::kSet, std::string(key), value}});
  }
  absl::Status Delete(std::string_view key) {
    return Apply({Operation{Operation::Kind::kDelete, std::string(key), {}}});
  }
  // Calls `fn` for each record whose key starts with `prefix`, in bytewise key order, until it
  // returns false. The views are valid only during the call.
  virtual absl::Status Scan(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) = 0;
};

class StorageExtension {
 public:
  virtual ~StorageExtension() = default;
  // A store private to one component: (kind, id, name) always maps to the same store, e.g.
  // (exporter, otlp, "sending_queue").
  virtual absl::StatusOr<std::unique_ptr<StorageClient>> GetClient(component::Kind kind,
                                                                   const component::Id& id,
                                                                   const std::string& name) = 0;
};

// The running storage extension `id`, or an error saying what is wrong with the reference.
absl::StatusOr<StorageExtension*> FindStorage(component::Host& host, const component::Id& id);

}  // namespace ocelot::exporterhelper
