#include "exporter/file/file_exporter.h"

#include <spdlog/spdlog.h>
#include <zstd.h>

#include "pdata/otlp_json.h"

namespace ocelot::exporter::file {
namespace {

// Past this much buffered data, write without waiting for the flush interval.
constexpr size_t kFlushThreshold = 256 * 1024;

// One OTLP/JSON line for the whole batch. Each chunk encodes as {"resourceX":[...]} (a request
// has that one field), so the chunks' arrays are spliced into one object, as if the chunks had
// been merged, without copying any span.
template <typename Request>
void AppendJsonLine(const pdata::Batch<Request>& batch, std::string* out) {
  const std::string prefix = "{\"" + Request::descriptor()->field(0)->json_name() + "\":[";
  thread_local std::string scratch;
  bool first = true;
  out->append(prefix);
  for (const auto& entry : batch.entries()) {
    scratch.clear();
    pdata::AppendOtlpJson(entry.chunk->message(), &scratch);
    if (scratch.size() < prefix.size() + 2 || scratch.compare(0, prefix.size(), prefix) != 0) {
      continue;  // "{}": an empty request
    }
    if (!first) out->push_back(',');
    first = false;
    out->append(scratch, prefix.size(), scratch.size() - prefix.size() - 2);
  }
  if (first) {
    out->resize(out->size() - prefix.size());
    out->append("{}");
  } else {
    out->append("]}");
  }
  out->push_back('\n');
}

// Length-prefixed protobuf. Serialising the chunks back to back yields the bytes of the merged
// request (protobuf concatenation merges repeated fields).
template <typename Request>
void AppendProto(const pdata::Batch<Request>& batch, std::string* out) {
  size_t size = 0;
  for (const auto& entry : batch.entries()) size += entry.chunk->message().ByteSizeLong();
  uint32_t n = static_cast<uint32_t>(size);
  const char prefix[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                          static_cast<char>(n >> 8), static_cast<char>(n)};
  out->append(prefix, 4);
  for (const auto& entry : batch.entries()) entry.chunk->message().AppendToString(out);
}

// The Go exporter compresses each message on its own and always length-prefixes it.
std::string CompressZstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()) + 4, '\0');
  size_t n = ZSTD_compress(out.data() + 4, out.size() - 4, data.data(), data.size(), 1);
  if (ZSTD_isError(n)) return {};
  out.resize(n + 4);
  uint32_t len = static_cast<uint32_t>(n);
  out[0] = static_cast<char>(len >> 24);
  out[1] = static_cast<char>(len >> 16);
  out[2] = static_cast<char>(len >> 8);
  out[3] = static_cast<char>(len);
  return out;
}

}  // namespace

struct FileExporter::FlushTimer {
  explicit FlushTimer(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
  std::mutex mu;  // guards owner
  FileExporter* owner = nullptr;
};

FileExporter::FileExporter(const Config& config, std::shared_ptr<spdlog::logger> logger,
                           telemetry::MetricsRegistry* metrics, const std::string& id)
    : config_(config), logger_(std::move(logger)), telemetry_(metrics, id) {}

FileExporter::~FileExporter() = default;

absl::Status FileExporter::Start(component::Host& host) {
  std::optional<RotationPolicy> policy;
  if (config_.rotation) {
    policy = RotationPolicy{static_cast<uint64_t>(config_.rotation->max_megabytes) * 1024 * 1024,
                            config_.rotation->max_days, config_.rotation->max_backups,
                            config_.rotation->localtime};
  }
  auto file = std::make_unique<RotatingFile>(config_.path, policy, config_.append);
  if (absl::Status s = file->Open(); !s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    file_ = std::move(file);
  }
  flush_timer_ = std::make_shared<FlushTimer>(host.io_context());
  flush_timer_->owner = this;
  ScheduleFlush();
  return absl::OkStatus();
}

void FileExporter::ScheduleFlush() {
  flush_timer_->timer.expires_after(config_.flush_interval);
  std::weak_ptr<FlushTimer> weak = flush_timer_;
  flush_timer_->timer.async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;
    auto t = weak.lock();
    if (!t) return;
    std::lock_guard lock(t->mu);
    if (t->owner == nullptr) return;
    if (absl::Status s = t->owner->Flush(); !s.ok()) {
      t->owner->logger_->error("flush failed: {}", std::string(s.message()));
    }
    t->owner->ScheduleFlush();
  });
}

void FileExporter::Shutdown() {
  if (flush_timer_) {
    std::lock_guard lock(flush_timer_->mu);
    flush_timer_->owner = nullptr;
    flush_timer_->timer.cancel();
  }
  std::lock_guard lock(mu_);
  if (absl::Status s = FlushLocked(); !s.ok()) {
    logger_->error("final flush failed: {}", std::string(s.message()));
  }
  stopped_ = true;
  if (file_) file_->Close();
}

absl::Status FileExporter::Consume(pdata::Traces batch) { return Write(batch); }
absl::Status FileExporter::Consume(pdata::Metrics batch) { return Write(batch); }
absl::Status FileExporter::Consume(pdata::Logs batch) { return Write(batch); }

template <typename BatchT>
absl::Status FileExporter::Write(const BatchT& batch) {
  if (batch.empty()) return absl::OkStatus();
  return telemetry::CountExport(telemetry_, telemetry::SignalOf<BatchT>(),
                                static_cast<int64_t>(batch.item_count()),
                                [&] { return WriteEncoded(batch); });
}

template <typename BatchT>
absl::Status FileExporter::WriteEncoded(const BatchT& batch) {
  if (config_.compression.empty()) {
    // Straight into the write buffer, whose capacity outlives the flushes: a batch of 8192
    // spans is megabytes of JSON, and a fresh string per batch paid for its doublings and for
    // fresh pages (a third of a core flat out, measured with perf).
    std::lock_guard lock(mu_);
    if (stopped_ || !file_) return consumer::Retryable("file exporter is not running");
    if (config_.format == "proto") {
      AppendProto(batch, &buffer_);
    } else {
      AppendJsonLine(batch, &buffer_);
    }
    if (buffer_.size() >= kFlushThreshold) return FlushLocked();
    return absl::OkStatus();
  }
  std::string encoded;
  if (config_.format == "proto") {
    AppendProto(batch, &encoded);
  } else {
    AppendJsonLine(batch, &encoded);
  }
  if (config_.compression == "zstd") {
    // The length prefix covers the compressed bytes; the JSON newline goes inside.
    std::string_view payload = encoded;
    if (config_.format == "proto") payload.remove_prefix(4);
    encoded = CompressZstd(payload);
  }
  return AppendEncoded(encoded);
}

absl::Status FileExporter::AppendEncoded(std::string_view encoded) {
  std::lock_guard lock(mu_);
  if (stopped_ || !file_) return consumer::Retryable("file exporter is not running");
  buffer_.append(encoded);
  if (buffer_.size() >= kFlushThreshold) return FlushLocked();
  return absl::OkStatus();
}

absl::Status FileExporter::Flush() {
  std::lock_guard lock(mu_);
  return FlushLocked();
}

absl::Status FileExporter::FlushLocked() {
  if (buffer_.empty() || !file_) return absl::OkStatus();
  absl::Status s = file_->Write(buffer_);
  // On failure keep nothing half-written twice: the buffer is dropped either way, and the
  // caller sees a retryable error for the batch that triggered the write.
  buffer_.clear();
  return s;
}

}  // namespace ocelot::exporter::file
