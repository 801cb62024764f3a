// The file_storage extension's option table.
#include "extension/filestorage/config.h"

#include <sys/stat.h>

namespace ocelot::extension::filestorage {

void Config::Decode(config::MapDecoder& d) {
  d.Field("directory", &directory);
  d.Field("timeout", &timeout);
  d.Field("fsync", &fsync);
  d.Field("create_directory", &create_directory);
  d.Field("directory_permissions", &directory_permissions);
  d.Object("compaction", [&](config::MapDecoder& c) {
    c.Field("directory", &compaction.directory);
    c.Field("on_start", &compaction.on_start);
    c.Field("on_rebound", &compaction.on_rebound);
    c.Field("max_transaction_size", &compaction.max_transaction_size);
    c.Field("rebound_needed_threshold_mib", &compaction.rebound_needed_threshold_mib);
    c.Field("rebound_trigger_threshold_mib", &compaction.rebound_trigger_threshold_mib);
    c.Field("check_interval", &compaction.check_interval);
  });
}

void Config::Validate(config::MapDecoder& d) const {
  // As otelcol: the directories must exist (the collector does not create them).
  auto check_dir = [&](const char* key, const std::string& dir) {
    if (create_directory) return;  // created at start
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
      d.Error(key, "directory must exist: stat " + dir + ": no such file or directory");
    } else if (!S_ISDIR(st.st_mode)) {
      d.Error(key, dir + " is not a directory");
    }
  };
  check_dir("directory", directory);
  if (compaction.on_start || compaction.on_rebound) check_dir("compaction", compaction.directory);
  if (compaction.max_transaction_size < 0) {
    d.Error("compaction", "max transaction size for compaction cannot be less than 0");
  }
  if (compaction.on_rebound && compaction.check_interval.count() <= 0) {
    d.Error("compaction",
            "compaction check interval must be positive when rebound compaction is set");
  }
  if (timeout.count() < 0) d.Error("timeout", "timeout must not be negative");
  if (directory_permissions.empty() || directory_permissions.size() > 5 ||
      directory_permissions.find_first_not_of("01234567") != std::string::npos ||
      std::stoul(directory_permissions, nullptr, 8) > 07777) {
    d.Error("directory_permissions",
            "directory_permissions value must be a valid octal representation: \"" +
                directory_permissions + "\"");
  }
}

std::vector<std::string> Config::Summary() const {
  return {"stores in " + directory + (fsync ? " (fsync on every commit)" : "")};
}

}  // namespace ocelot::extension::filestorage
