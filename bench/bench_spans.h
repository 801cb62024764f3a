// The benchmark payload: OTLP trace requests shaped like the testbed's (spans of about 286
// bytes: ids, name, times, kind, a handful of attributes).
#pragma once

#include <string>

#include "pdata/batch.h"

namespace ocelot::bench {

inline void FillTraces(pdata::TracesRequest* req, int spans) {
  auto* rs = req->add_resource_spans();
  auto* attr = rs->mutable_resource()->add_attributes();
  attr->set_key("service.name");
  attr->mutable_value()->set_string_value("bench-service");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("ocelot.bench");
  for (int i = 0; i < spans; ++i) {
    auto* s = ss->add_spans();
    s->set_trace_id(std::string("0123456789abcdef", 16));
    s->set_span_id(std::string("01234567", 8));
    s->set_parent_span_id(std::string("76543210", 8));
    s->set_name("GET /api/v1/resource/" + std::to_string(i % 100));
    s->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
    s->set_start_time_unix_nano(1700000000000000000ULL + i * 1000);
    s->set_end_time_unix_nano(1700000000000500000ULL + i * 1000);
    for (auto [k, v] : {std::pair{"http.method", "GET"},
                        {"http.route", "/api/v1/resource"},
                        {"net.peer.name", "client.internal"},
                        {"component", "http"}}) {
      auto* a = s->add_attributes();
      a->set_key(k);
      a->mutable_value()->set_string_value(v);
    }
    auto* code = s->add_attributes();
    code->set_key("http.status_code");
    code->mutable_value()->set_int_value(200);
    s->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_OK);
  }
}

}  // namespace ocelot::bench
