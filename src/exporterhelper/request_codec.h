// The on-disk form of a queued request, shared by the persistent queue and the journal:
// a format byte, a signal byte, the item count (4 bytes, little-endian), then the request's
// protobuf bytes (the batch's chunks serialised back to back: the merged request's encoding).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "exporterhelper/sender.h"

namespace ocelot::exporterhelper {

void EncodeRequest(const Request& request, std::string* out);
// A batch of one chunk holding the decoded request. A record that does not decode is an error
// naming what is wrong (the caller drops it and says so).
absl::StatusOr<Request> DecodeRequest(std::string_view record);
// The item count a record was written with (0 when the record is malformed), read without
// decoding it: for queue sizes after a restart.
size_t RecordItemCount(std::string_view record);

}  // namespace ocelot::exporterhelper
