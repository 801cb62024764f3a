// Typed OTLP/JSON encoders for traces and logs requests: byte for byte what AppendOtlpJson's
// reflection path writes (otlp_json.h), several times faster. AppendOtlpJson uses them itself,
// so callers need not choose.
#pragma once

#include <string>

#include "pdata/batch.h"

namespace ocelot::pdata {

void AppendTracesJson(const TracesRequest& request, std::string* out);
void AppendLogsJson(const LogsRequest& request, std::string* out);

}  // namespace ocelot::pdata
