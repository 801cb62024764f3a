// An in-memory StorageClient/StorageExtension for tests: a std::map per client name that
// outlives the clients, so a test can "restart" a queue over the same data.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "exporterhelper/storage.h"
#include "testing/test_host.h"

namespace ocelot::testing {

class MemoryStore {
 public:
  std::mutex mu;  // guards data
  std::map<std::string, std::string> data;
  int fail_writes = 0;  // the next n Apply calls fail
};

class MemoryStorageClient final : public exporterhelper::StorageClient {
 public:
  explicit MemoryStorageClient(std::shared_ptr<MemoryStore> store) : store_(std::move(store)) {}
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    std::lock_guard lock(store_->mu);
    auto it = store_->data.find(std::string(key));
    if (it == store_->data.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  absl::Status Apply(const std::vector<Operation>& ops) override {
    std::lock_guard lock(store_->mu);
    if (store_->fail_writes > 0) {
      --store_->fail_writes;
      return absl::UnavailableError("disk full");
    }
    for (const Operation& op : ops) {
      if (op.kind == Operation::Kind::kSet) {
        store_->data[op.key] = std::string(op.value);
      } else {
        store_->data.erase(op.key);
      }
    }
    return absl::OkStatus();
  }
  absl::Status Scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn) override {
    std::lock_guard lock(store_->mu);
    for (auto it = store_->data.lower_bound(std::string(prefix)); it != store_->data.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      if (!fn(it->first, it->second)) break;
    }
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<MemoryStore> store_;
};

// A storage extension component handing out MemoryStorageClients by (kind, id, name).
class MemoryStorageExtension final : public component::Component,
                                     public exporterhelper::StorageExtension {
 public:
  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  absl::StatusOr<std::unique_ptr<exporterhelper::StorageClient>> GetClient(
      component::Kind kind, const component::Id& id, const std::string& name) override {
    return std::unique_ptr<exporterhelper::StorageClient>(
        std::make_unique<MemoryStorageClient>(Store(id.ToString() + "/" + name)));
  }
  std::shared_ptr<MemoryStore> Store(const std::string& key) {
    std::lock_guard lock(mu_);
    auto& s = stores_[key];
    if (!s) s = std::make_shared<MemoryStore>();
    return s;
  }

 private:
  std::mutex mu_;  // guards stores_
  std::map<std::string, std::shared_ptr<MemoryStore>> stores_;
};

// A Host whose extensions a test sets.
class ExtensionHost final : public component::Host {
 public:
  boost::asio::io_context& io_context() override { return base_.io_context(); }
  void ReportFatalError(const absl::Status& s) override { base_.ReportFatalError(s); }
  component::Component* GetExtension(const component::Id& id) override {
    auto it = extensions.find(id);
    return it == extensions.end() ? nullptr : it->second;
  }
  std::map<component::Id, component::Component*> extensions;

 private:
  TestHost base_;
};

}  // namespace ocelot::testing
