#include "telemetry/logging.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <ctime>
#include <mutex>
#include <unordered_map>

namespace ocelot::telemetry {
namespace {

void AppendJsonString(std::string_view s, spdlog::memory_buf_t& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c == '\n') {
      out.append(std::string_view("\\n"));
    } else if (c == '\t') {
      out.append(std::string_view("\\t"));
    } else if (c < 0x20) {
      out.append(std::string_view("\\u00"));
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

// zap's lower-case level names.
std::string_view LevelName(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "fatal";
    default:
      return "info";
  }
}

// ISO 8601 with milliseconds, UTC, as zap's ISO8601TimeEncoder prints it.
void AppendTime(spdlog::log_clock::time_point t, spdlog::memory_buf_t& out) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  std::time_t tt = spdlog::log_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  n += std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms));
  out.append(std::string_view(buf, n));
}

// One JSON object per line: {"level":"info","ts":"...","logger":"exporter/file","msg":"...",
// <initial fields>}, the keys zap's production encoder uses.
class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::map<std::string, std::string> fields) : fields_(std::move(fields)) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    dest.append(std::string_view("{\"level\":\""));
    dest.append(LevelName(msg.level));
    dest.append(std::string_view("\",\"ts\":\""));
    AppendTime(msg.time, dest);
    dest.push_back('"');
    if (msg.logger_name.size() > 0) {
      dest.append(std::string_view(",\"logger\":"));
      AppendJsonString(std::string_view(msg.logger_name.data(), msg.logger_name.size()), dest);
    }
    dest.append(std::string_view(",\"msg\":"));
    AppendJsonString(std::string_view(msg.payload.data(), msg.payload.size()), dest);
    for (const auto& [k, v] : fields_) {
      dest.push_back(',');
      AppendJsonString(k, dest);
      dest.push_back(':');
      AppendJsonString(v, dest);
    }
    dest.append(std::string_view("}\n"));
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>(fields_);
  }

 private:
  std::map<std::string, std::string> fields_;
};

// spdlog's usual line, with the initial fields appended as zap's console encoder does
// ("...\t{"k": "v"}").
class ConsoleFormatter final : public spdlog::formatter {
 public:
  explicit ConsoleFormatter(std::map<std::string, std::string> fields)
      : fields_(std::move(fields)), pattern_(std::make_unique<spdlog::pattern_formatter>()) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    pattern_->format(msg, dest);
    if (fields_.empty()) return;
    if (dest.size() > 0 && dest[dest.size() - 1] == '\n') dest.resize(dest.size() - 1);
    dest.append(std::string_view("\t{"));
    bool first = true;
    for (const auto& [k, v] : fields_) {
      if (!first) dest.append(std::string_view(", "));
      first = false;
      AppendJsonString(k, dest);
      dest.append(std::string_view(": "));
      AppendJsonString(v, dest);
    }
    dest.append(std::string_view("}\n"));
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<ConsoleFormatter>(fields_);
  }

 private:
  std::map<std::string, std::string> fields_;
  std::unique_ptr<spdlog::pattern_formatter> pattern_;
};

class SamplingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  SamplingSink(std::shared_ptr<spdlog::sinks::sink> inner, std::chrono::nanoseconds tick,
               int64_t initial, int64_t thereafter)
      : inner_(std::move(inner)), tick_(tick), initial_(initial), thereafter_(thereafter) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    auto now = std::chrono::steady_clock::now();
    if (now - window_start_ >= tick_) {
      window_start_ = now;
      counts_.clear();
    }
    std::string key(LevelName(msg.level));
    key.push_back('\x1f');
    key.append(msg.payload.data(), msg.payload.size());
    int64_t n = ++counts_[key];
    if (n > initial_ && (thereafter_ <= 0 || (n - initial_) % thereafter_ != 0)) return;
    if (inner_->should_log(msg.level)) inner_->log(msg);
  }
  void flush_() override { inner_->flush(); }
  void set_pattern_(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter_(std::unique_ptr<spdlog::formatter> f) override {
    inner_->set_formatter(std::move(f));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
  const std::chrono::nanoseconds tick_;
  const int64_t initial_;
  const int64_t thereafter_;
  std::chrono::steady_clock::time_point window_start_{};
  std::unordered_map<std::string, int64_t> counts_;  // per message in the current tick
};

}  // namespace

spdlog::level::level_enum LevelFromName(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "debug") return spdlog::level::debug;
  if (name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  return spdlog::level::info;
}

std::shared_ptr<spdlog::sinks::sink> MakeSamplingSink(std::shared_ptr<spdlog::sinks::sink> inner,
                                                      std::chrono::nanoseconds tick,
                                                      int64_t initial, int64_t thereafter) {
  return std::make_shared<SamplingSink>(std::move(inner), tick, initial, thereafter);
}

absl::StatusOr<std::shared_ptr<spdlog::logger>> BuildLogger(const std::string& name,
                                                            const LogsSettings& settings) {
  auto dist = std::make_shared<spdlog::sinks::dist_sink_mt>();
  std::vector<std::string> paths = settings.output_paths;
  if (paths.empty()) paths.push_back("stderr");
  for (const std::string& path : paths) {
    if (path == "stderr") {
      dist->add_sink(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    } else if (path == "stdout") {
      dist->add_sink(std::make_shared<spdlog::sinks::stdout_color_sink_mt>());
    } else {
      try {
        dist->add_sink(std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false));
      } catch (const spdlog::spdlog_ex& e) {
        return absl::InvalidArgumentError("service::telemetry::logs::output_paths: cannot open \"" +
                                          path + "\": " + e.what());
      }
    }
  }
  std::unique_ptr<spdlog::formatter> formatter;
  if (settings.encoding == "json") {
    formatter = std::make_unique<JsonFormatter>(settings.initial_fields);
  } else {
    formatter = std::make_unique<ConsoleFormatter>(settings.initial_fields);
  }
  std::shared_ptr<spdlog::sinks::sink> sink = dist;
  if (settings.sampling_enabled && settings.sampling_tick.count() > 0) {
    sink = MakeSamplingSink(dist, settings.sampling_tick, settings.sampling_initial,
                            settings.sampling_thereafter);
  }
  sink->set_formatter(std::move(formatter));
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  logger->set_level(LevelFromName(settings.level));
  // Errors reach the file or terminal at once; a crash right after must not lose them.
  logger->flush_on(spdlog::level::warn);
  return logger;
}

}  // namespace ocelot::telemetry
