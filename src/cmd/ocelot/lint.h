// Risky-setting checks for `ocelot validate`: configurations that are valid but likely to hurt
// in production. Each finding is a warning "file:line: key::path: message"; warnings never
// change validate's exit status.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/node.h"

namespace ocelot::cmd {

// The checks, each independent:
//  - a pipeline whose receiver listens beyond loopback (0.0.0.0, a public address) without a
//    memory_limiter processor;
//  - a management endpoint (health_check, pprof, zpages, the collector's own metrics)
//    listening beyond loopback;
//  - an exporter whose sending queue is disabled (absent means enabled, as in otelcol);
//  - a secret written literally, or with a literal ${env:NAME:-default}, instead of through a
//    variable: this needs `unexpanded`, the merged tree before variable expansion.
// Unset variables are reported by expansion itself, not here.
std::vector<std::string> LintConfig(const config::Node& expanded, const config::Node& unexpanded);

// A map entry whose value is a secret: config::IsSecretKey, except a "key" that names an
// attribute in an attribute action (key + action, as the resource processor writes them).
bool IsSecretField(const config::Node& map, const config::Node::Entry& entry);

// Exporter types built on otelcol's exporterhelper, whose sending_queue defaults to enabled.
bool HasSendingQueue(std::string_view exporter_type);

}  // namespace ocelot::cmd
