// The otlp receiver's option table.
#include "receiver/otlp/config.h"

namespace ocelot::receiver::otlp {
namespace {

// Settings ocelot does not implement yet: accepted only when absent or empty, so a config that
// relies on them fails loudly instead of running without them.
void RejectUnsupported(config::MapDecoder& d, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const config::Node* n = d.Take(key);
    if (n != nullptr && !n->is_null() && !(n->is_map() && n->entries().empty())) {
      d.Error(key, std::string("\"") + key + "\" is not supported by ocelot yet");
    }
  }
}

}  // namespace

void Config::Decode(config::MapDecoder& d) {
  d.Object("protocols", [&](config::MapDecoder& p) {
    if (p.Peek("grpc") != nullptr) {
      grpc.emplace();
      p.Object("grpc", [&](config::MapDecoder& g) {
        g.Endpoint("endpoint", &grpc->endpoint);
        g.Enum("transport", &grpc->transport, {"tcp", "tcp4", "tcp6"});
        g.Field("max_recv_msg_size_mib", &grpc->max_recv_msg_size_mib);
        g.Field("max_concurrent_streams", &grpc->max_concurrent_streams);
        g.Field("include_metadata", &grpc->include_metadata);
        int64_t ignored = 0;
        g.Field("read_buffer_size", &ignored);
        g.Field("write_buffer_size", &ignored);
        g.Take("keepalive");
        RejectUnsupported(g, {"tls", "auth"});
      });
    }
    if (p.Peek("http") != nullptr) {
      http.emplace();
      p.Object("http", [&](config::MapDecoder& h) {
        h.Endpoint("endpoint", &http->endpoint);
        h.Field("traces_url_path", &http->traces_url_path);
        h.Field("metrics_url_path", &http->metrics_url_path);
        h.Field("logs_url_path", &http->logs_url_path);
        h.Field("max_request_body_size", &http->max_request_body_size);
        h.Field("include_metadata", &http->include_metadata);
        h.Field("response_headers", &http->response_headers);
        RejectUnsupported(h, {"tls", "auth", "cors"});
      });
    }
  });
}

void Config::Validate(config::MapDecoder& d) const {
  if (!grpc && !http) {
    d.Error("protocols", "must specify at least one protocol (grpc or http) for the otlp receiver");
  }
  if (grpc && grpc->max_recv_msg_size_mib <= 0) {
    d.Error("protocols", "grpc::max_recv_msg_size_mib must be positive");
  }
  if (http) {
    for (const std::string* p :
         {&http->traces_url_path, &http->metrics_url_path, &http->logs_url_path}) {
      if (p->empty() || (*p)[0] != '/') {
        d.Error("protocols", "http url paths must start with \"/\" (got \"" + *p + "\")");
      }
    }
    if (http->max_request_body_size <= 0) {
      d.Error("protocols", "http::max_request_body_size must be positive");
    }
  }
}

std::vector<std::string> Config::Summary() const {
  std::vector<std::string> out;
  if (grpc) out.push_back("OTLP/gRPC listening on " + grpc->endpoint);
  if (http) {
    out.push_back("OTLP/HTTP listening on " + http->endpoint + " (" + http->traces_url_path + ", " +
                  http->metrics_url_path + ", " + http->logs_url_path + ")");
  }
  return out;
}

}  // namespace ocelot::receiver::otlp
