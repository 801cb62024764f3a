// Batches → RowBinary rows, decoded back column by column and compared with the OTLP input
// under the 0.96 mapping (fact sheet §3–4).
#include "exporter/clickhouse/rows/rows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "exporter/clickhouse/rows/row_binary.h"
#include "fixtures.h"
#include "row_binary_reader.h"

namespace ocelot::exporter::clickhouse {
namespace {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::logs::v1::LogRecord;
using opentelemetry::proto::metrics::v1::Exemplar;
using opentelemetry::proto::metrics::v1::Metric;
using opentelemetry::proto::trace::v1::Span;
using opentelemetry::proto::trace::v1::Status;
using namespace testing;  // NOLINT: fixtures and the reader
using testing::RowBinaryReader;
using testing::StringMap;

size_t CountColumns(const std::string& columns) {
  return std::count(columns.begin(), columns.end(), ',') + 1;
}

// ---------------------------------------------------------------------------------------------
// Traces.

struct SpanRow {
  int64_t timestamp;
  std::string trace_id, span_id, parent_span_id, trace_state, name, kind, service_name;
  StringMap resource_attributes;
  std::string scope_name, scope_version;
  StringMap attributes;
  int64_t duration;
  std::string status_code, status_message;
  std::vector<int64_t> event_times;
  std::vector<std::string> event_names;
  std::vector<StringMap> event_attributes;
  std::vector<std::string> link_trace_ids, link_span_ids, link_trace_states;
  std::vector<StringMap> link_attributes;
};

std::vector<SpanRow> DecodeSpans(const InsertBlock& block) {
  std::vector<SpanRow> rows;
  RowBinaryReader r(block.body);
  while (!r.done() && r.ok()) {
    SpanRow row;
    row.timestamp = r.DateTime64();
    row.trace_id = r.String();
    row.span_id = r.String();
    row.parent_span_id = r.String();
    row.trace_state = r.String();
    row.name = r.String();
    row.kind = r.String();
    row.service_name = r.String();
    row.resource_attributes = r.Map();
    row.scope_name = r.String();
    row.scope_version = r.String();
    row.attributes = r.Map();
    row.duration = r.Fixed<int64_t>();
    row.status_code = r.String();
    row.status_message = r.String();
    row.event_times = r.DateTime64Array();
    row.event_names = r.StringArray();
    row.event_attributes = r.MapArray();
    row.link_trace_ids = r.StringArray();
    row.link_span_ids = r.StringArray();
    row.link_trace_states = r.StringArray();
    row.link_attributes = r.MapArray();
    rows.push_back(std::move(row));
  }
  EXPECT_EQ(rows.size(), block.rows);
  return rows;
}

TEST(EncodeTraces, ColumnListIsTheSheetsInsertList) {
  InsertBlock block = EncodeTraces(pdata::Traces(), TableNames());
  EXPECT_EQ(block.table, "otel_traces");
  EXPECT_EQ(block.columns,
            "Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, "
            "ServiceName, ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, Duration, "
            "StatusCode, StatusMessage, Events.Timestamp, Events.Name, Events.Attributes, "
            "Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes");
  EXPECT_EQ(CountColumns(block.columns), 22u);
  EXPECT_EQ(block.rows, 0u);
  EXPECT_TRUE(block.body.empty());
}

TEST(EncodeTraces, EveryFieldOfASpan) {
  auto chunk = FullSpanChunk();
  InsertBlock block = EncodeTraces(pdata::Traces(chunk), TableNames());
  ASSERT_EQ(block.rows, 1u);
  std::vector<SpanRow> rows = DecodeSpans(block);
  ASSERT_EQ(rows.size(), 1u);
  const SpanRow& row = rows[0];
  EXPECT_EQ(row.timestamp, static_cast<int64_t>(kT0));
  EXPECT_EQ(row.trace_id, kTraceHex);
  EXPECT_EQ(row.span_id, kSpanHex);
  EXPECT_EQ(row.parent_span_id, kParentHex);
  EXPECT_EQ(row.trace_state, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  EXPECT_EQ(row.name, "GET /cart");
  EXPECT_EQ(row.kind, "SPAN_KIND_CLIENT");
  EXPECT_EQ(row.service_name, "checkout");
  StringMap resource = {{"service.name", "checkout"}};
  resource.insert(resource.end(), kEveryTypeRendered.begin(), kEveryTypeRendered.end());
  EXPECT_EQ(row.resource_attributes, resource);
  EXPECT_EQ(row.scope_name, "io.ocelot.test");
  EXPECT_EQ(row.scope_version, "1.2.3");
  EXPECT_EQ(row.attributes, kEveryTypeRendered);
  EXPECT_EQ(row.duration, 1234567891);
  EXPECT_EQ(row.status_code, "STATUS_CODE_ERROR");
  EXPECT_EQ(row.status_message, "upstream failed");
  EXPECT_EQ(row.event_times, (std::vector<int64_t>{int64_t(kT0 + 5), int64_t(kT0 + 6)}));
  EXPECT_EQ(row.event_names, (std::vector<std::string>{"exception", "retry"}));
  EXPECT_EQ(row.event_attributes,
            (std::vector<StringMap>{{{"exception.message", "boom"}}, StringMap{}}));
  EXPECT_EQ(row.link_trace_ids, (std::vector<std::string>{kTraceHex, ""}));
  EXPECT_EQ(row.link_span_ids, (std::vector<std::string>{kSpanHex, ""}));
  EXPECT_EQ(row.link_trace_states, (std::vector<std::string>{"a=b", ""}));
  EXPECT_EQ(row.link_attributes, (std::vector<StringMap>{{{"link.n", "9"}}, StringMap{}}));
}

TEST(EncodeTraces, AllZeroIdsBecomeEmptyAndOddLengthIdsAreHexOfTheirBytes) {
  auto chunk = std::make_shared<TracesChunk>();
  auto* ss = chunk->message().add_resource_spans()->add_scope_spans();
  Span* zero = ss->add_spans();
  zero->set_trace_id(std::string(16, '\0'));
  zero->set_span_id(std::string(8, '\0'));
  ss->add_spans();  // absent ids
  Span* odd = ss->add_spans();
  odd->set_trace_id(Bytes({0xab, 0xcd}));
  odd->set_span_id(Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0x0f}));

  std::vector<SpanRow> rows = DecodeSpans(EncodeTraces(pdata::Traces(chunk), TableNames()));
  ASSERT_EQ(rows.size(), 3u);
  for (int i : {0, 1}) {
    EXPECT_EQ(rows[i].trace_id, "");
    EXPECT_EQ(rows[i].span_id, "");
    EXPECT_EQ(rows[i].parent_span_id, "");
  }
  EXPECT_EQ(rows[2].trace_id, "abcd");
  EXPECT_EQ(rows[2].span_id, std::string(17, '0') + "f");
  EXPECT_EQ(rows[2].span_id.size(), 18u);
  EXPECT_EQ(rows[1].kind, "SPAN_KIND_UNSPECIFIED");
  EXPECT_EQ(rows[1].status_code, "STATUS_CODE_UNSET");
  EXPECT_EQ(rows[1].timestamp, 0);
  EXPECT_EQ(rows[1].duration, 0);
}

TEST(EncodeTraces, KindAndStatusNamesAndOutOfRangeValues) {
  auto chunk = std::make_shared<TracesChunk>();
  auto* ss = chunk->message().add_resource_spans()->add_scope_spans();
  const std::vector<std::string> kinds = {"SPAN_KIND_UNSPECIFIED",
                                          "SPAN_KIND_INTERNAL",
                                          "SPAN_KIND_SERVER",
                                          "SPAN_KIND_CLIENT",
                                          "SPAN_KIND_PRODUCER",
                                          "SPAN_KIND_CONSUMER",
                                          ""};
  const std::vector<std::string> codes = {
      "STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR", "", "", "", ""};
  for (int k = 0; k < 7; ++k) {
    Span* s = ss->add_spans();
    s->set_kind(static_cast<Span::SpanKind>(k));
    s->mutable_status()->set_code(static_cast<Status::StatusCode>(k));
  }
  std::vector<SpanRow> rows = DecodeSpans(EncodeTraces(pdata::Traces(chunk), TableNames()));
  ASSERT_EQ(rows.size(), 7u);
  for (int k = 0; k < 7; ++k) {
    EXPECT_EQ(rows[k].kind, kinds[k]) << k;
    EXPECT_EQ(rows[k].status_code, codes[k]) << k;
  }
}

TEST(EncodeTraces, DurationIsSignedAndSaturatesLikeGoTimeSub) {
  auto chunk = std::make_shared<TracesChunk>();
  auto* ss = chunk->message().add_resource_spans()->add_scope_spans();
  Span* backwards = ss->add_spans();
  backwards->set_start_time_unix_nano(kT0);
  backwards->set_end_time_unix_nano(kT0 - 1500);
  Span* no_end = ss->add_spans();
  no_end->set_start_time_unix_nano(kT0);
  Span* overflow = ss->add_spans();  // int64(end) wraps negative; Sub saturates
  overflow->set_start_time_unix_nano(1);
  overflow->set_end_time_unix_nano(uint64_t{1} << 63);
  Span* huge = ss->add_spans();
  huge->set_start_time_unix_nano(0);
  huge->set_end_time_unix_nano((uint64_t{1} << 63) - 1);

  std::vector<SpanRow> rows = DecodeSpans(EncodeTraces(pdata::Traces(chunk), TableNames()));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].duration, -1500);
  EXPECT_EQ(rows[1].duration, -static_cast<int64_t>(kT0));
  EXPECT_EQ(rows[2].duration, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(rows[3].duration, std::numeric_limits<int64_t>::max());
}

TEST(EncodeTraces, ServiceNameOnlyFromAStringAndResetPerResource) {
  auto chunk = std::make_shared<TracesChunk>();
  auto add = [&](auto setup) {
    auto* rs = chunk->message().add_resource_spans();
    setup(rs->mutable_resource());
    rs->add_scope_spans()->add_spans();
  };
  add([](auto* r) { AddStr(r, "service.name", "first"); });
  add([](auto*) {});  // traces do not inherit
  add([](auto* r) { AddInt(r, "service.name", 42); });
  add([](auto* r) {  // Get() returns the first match
    AddStr(r, "service.name", "one");
    AddStr(r, "service.name", "two");
  });

  std::vector<SpanRow> rows = DecodeSpans(EncodeTraces(pdata::Traces(chunk), TableNames()));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].service_name, "first");
  EXPECT_EQ(rows[1].service_name, "");
  EXPECT_EQ(rows[2].service_name, "");
  EXPECT_EQ(rows[2].resource_attributes, (StringMap{{"service.name", "42"}}));
  EXPECT_EQ(rows[3].service_name, "one");
  // ...while the map, a Go map, keeps the last value.
  EXPECT_EQ(rows[3].resource_attributes, (StringMap{{"service.name", "two"}}));
}

TEST(EncodeTraces, DuplicateAttributeKeysKeepTheLastValue) {
  auto chunk = std::make_shared<TracesChunk>();
  Span* small = chunk->message().add_resource_spans()->add_scope_spans()->add_spans();
  AddStr(small, "a", "1");
  AddStr(small, "b", "2");
  AddStr(small, "a", "3");
  AddStr(small, "a", "4");
  // Past the quadratic scan's limit, the hash-set path.
  Span* big = chunk->message().mutable_resource_spans(0)->mutable_scope_spans(0)->add_spans();
  StringMap expected;
  auto key = [](int i) {
    std::string k = "k";
    k += std::to_string(i % 25);
    return k;
  };
  for (int i = 0; i < 40; ++i) AddInt(big, key(i), i);
  for (int i = 15; i < 40; ++i) expected.emplace_back(key(i), std::to_string(i));

  std::vector<SpanRow> rows = DecodeSpans(EncodeTraces(pdata::Traces(chunk), TableNames()));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].attributes, (StringMap{{"b", "2"}, {"a", "4"}}));
  EXPECT_EQ(rows[1].attributes, expected);
}

TEST(EncodeTraces, LongRenderedValuesGetMultiByteLengths) {
  auto chunk = std::make_shared<TracesChunk>();
  Span* s = chunk->message().add_resource_spans()->add_scope_spans()->add_spans();
  KeyValue* kv = s->add_attributes();
  kv->set_key("big");
  std::string expected = "[";
  for (int i = 0; i < 5000; ++i) {
    kv->mutable_value()->mutable_array_value()->add_values()->set_int_value(i);
    if (i > 0) expected.push_back(',');
    expected.append(std::to_string(i));
  }
  expected += "]";
  KeyValue* bytes = s->add_attributes();
  bytes->set_key("bytes");
  bytes->mutable_value()->set_bytes_value(std::string(200, '\xff'));
  AddStr(s, "after", "x");
  s->set_name("still aligned");

  std::vector<SpanRow> rows = DecodeSpans(EncodeTraces(pdata::Traces(chunk), TableNames()));
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].attributes.size(), 3u);
  EXPECT_EQ(rows[0].attributes[0].second, expected);
  EXPECT_GT(expected.size(), 16384u);  // a three-byte varint
  EXPECT_EQ(rows[0].attributes[1].second.size(), 268u);
  EXPECT_EQ(rows[0].attributes[1].second.substr(0, 4), "////");
  EXPECT_EQ(rows[0].attributes[2], (std::pair<std::string, std::string>{"after", "x"}));
  EXPECT_EQ(rows[0].name, "still aligned");
}

TEST(EncodeTraces, RowsFromEveryChunkInBatchOrder) {
  pdata::Traces batch;
  for (int c = 0; c < 3; ++c) {
    auto chunk = std::make_shared<TracesChunk>();
    auto* rs = chunk->message().add_resource_spans();
    AddStr(rs->mutable_resource(), "service.name", "svc" + std::to_string(c));
    auto* ss = rs->add_scope_spans();
    for (int i = 0; i < 2; ++i)
      ss->add_spans()->set_name(std::to_string(c) + "." + std::to_string(i));
    batch.Append(chunk);
  }
  TableNames names;
  names.traces = "custom_traces";
  InsertBlock block = EncodeTraces(batch, names);
  EXPECT_EQ(block.table, "custom_traces");
  std::vector<SpanRow> rows = DecodeSpans(block);
  ASSERT_EQ(rows.size(), 6u);
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(rows[c * 2 + i].name, std::to_string(c) + "." + std::to_string(i));
      EXPECT_EQ(rows[c * 2 + i].service_name, "svc" + std::to_string(c));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Logs.

struct LogRow {
  int64_t timestamp;
  std::string trace_id, span_id;
  uint32_t flags;
  std::string severity_text;
  int32_t severity_number;
  std::string service_name, body, resource_schema_url;
  StringMap resource_attributes;
  std::string scope_schema_url, scope_name, scope_version;
  StringMap scope_attributes, attributes;
};

std::vector<LogRow> DecodeLogs(const InsertBlock& block) {
  std::vector<LogRow> rows;
  RowBinaryReader r(block.body);
  while (!r.done() && r.ok()) {
    LogRow row;
    row.timestamp = r.DateTime64();
    row.trace_id = r.String();
    row.span_id = r.String();
    row.flags = r.Fixed<uint32_t>();
    row.severity_text = r.String();
    row.severity_number = r.Fixed<int32_t>();
    row.service_name = r.String();
    row.body = r.String();
    row.resource_schema_url = r.String();
    row.resource_attributes = r.Map();
    row.scope_schema_url = r.String();
    row.scope_name = r.String();
    row.scope_version = r.String();
    row.scope_attributes = r.Map();
    row.attributes = r.Map();
    rows.push_back(std::move(row));
  }
  EXPECT_EQ(rows.size(), block.rows);
  return rows;
}

TEST(EncodeLogs, ColumnListIsTheSheetsInsertList) {
  InsertBlock block = EncodeLogs(pdata::Logs(), TableNames());
  EXPECT_EQ(block.table, "otel_logs");
  EXPECT_EQ(block.columns,
            "Timestamp, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, "
            "Body, ResourceSchemaUrl, ResourceAttributes, ScopeSchemaUrl, ScopeName, "
            "ScopeVersion, ScopeAttributes, LogAttributes");
  EXPECT_EQ(CountColumns(block.columns), 15u);
}

TEST(EncodeLogs, EveryFieldOfARecord) {
  auto chunk = FullLogChunk();
  std::vector<LogRow> rows = DecodeLogs(EncodeLogs(pdata::Logs(chunk), TableNames()));
  ASSERT_EQ(rows.size(), 1u);
  const LogRow& row = rows[0];
  EXPECT_EQ(row.timestamp, static_cast<int64_t>(kT0));
  EXPECT_EQ(row.trace_id, kTraceHex);
  EXPECT_EQ(row.span_id, kSpanHex);
  EXPECT_EQ(row.flags, 0x101u);
  EXPECT_EQ(row.severity_text, "WARN");
  EXPECT_EQ(row.severity_number, 13);
  EXPECT_EQ(row.service_name, "billing");
  EXPECT_EQ(row.body, "disk \"almost\" full <90%>");
  EXPECT_EQ(row.resource_schema_url, "https://opentelemetry.io/schemas/1.21.0");
  StringMap resource = {{"service.name", "billing"}};
  resource.insert(resource.end(), kEveryTypeRendered.begin(), kEveryTypeRendered.end());
  EXPECT_EQ(row.resource_attributes, resource);
  EXPECT_EQ(row.scope_schema_url, "https://opentelemetry.io/schemas/1.20.0");
  EXPECT_EQ(row.scope_name, "logger");
  EXPECT_EQ(row.scope_version, "0.9");
  EXPECT_EQ(row.scope_attributes, kEveryTypeRendered);
  EXPECT_EQ(row.attributes, kEveryTypeRendered);
}

TEST(EncodeLogs, TimestampIgnoresObservedTimeAndZeroIdsAreEmpty) {
  auto chunk = std::make_shared<LogsChunk>();
  LogRecord* r = chunk->message().add_resource_logs()->add_scope_logs()->add_log_records();
  r->set_observed_time_unix_nano(kT0);
  r->set_trace_id(std::string(16, '\0'));
  r->set_span_id(std::string(8, '\0'));
  std::vector<LogRow> rows = DecodeLogs(EncodeLogs(pdata::Logs(chunk), TableNames()));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].timestamp, 0);
  EXPECT_EQ(rows[0].trace_id, "");
  EXPECT_EQ(rows[0].span_id, "");
  EXPECT_EQ(rows[0].body, "");
  EXPECT_EQ(rows[0].severity_number, 0);
}

TEST(EncodeLogs, BodyOfEveryTypeRenderedAsString) {
  auto chunk = std::make_shared<LogsChunk>();
  auto* sl = chunk->message().add_resource_logs()->add_scope_logs();
  sl->add_log_records()->mutable_body()->set_int_value(12);
  sl->add_log_records()->mutable_body()->set_double_value(2.5e-9);
  sl->add_log_records()->mutable_body()->set_bool_value(false);
  sl->add_log_records()->mutable_body()->set_bytes_value("\x01\x02");
  KeyValue* kv = sl->add_log_records()->mutable_body()->mutable_kvlist_value()->add_values();
  kv->set_key("msg");
  kv->mutable_value()->set_string_value("a&b");
  sl->add_log_records()->mutable_body()->set_double_value(std::nan(""));
  std::vector<LogRow> rows = DecodeLogs(EncodeLogs(pdata::Logs(chunk), TableNames()));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].body, "12");
  EXPECT_EQ(rows[1].body, "2.5e-9");
  EXPECT_EQ(rows[2].body, "false");
  EXPECT_EQ(rows[3].body, "AQI=");
  EXPECT_EQ(rows[4].body, R"({"msg":"a\u0026b"})");
  EXPECT_EQ(rows[5].body, "json: unsupported value: NaN");
}

TEST(EncodeLogs, ServiceNameCarriesOverToResourcesWithoutOneAcrossTheBatch) {
  pdata::Logs batch;
  auto chunk1 = std::make_shared<LogsChunk>();
  auto add = [](LogsChunk* chunk, auto setup) {
    auto* rl = chunk->message().add_resource_logs();
    setup(rl->mutable_resource());
    rl->add_scope_logs()->add_log_records();
  };
  add(chunk1.get(), [](auto* r) { AddStr(r, "service.name", "a"); });
  add(chunk1.get(), [](auto*) {});  // inherits "a"
  auto chunk2 = std::make_shared<LogsChunk>();
  add(chunk2.get(), [](auto* r) { AddStr(r, "host.name", "h"); });   // still "a"
  add(chunk2.get(), [](auto* r) { AddInt(r, "service.name", 5); });  // present, not a string
  add(chunk2.get(), [](auto*) {});                                   // inherits ""
  add(chunk2.get(), [](auto* r) { AddStr(r, "service.name", "b"); });
  batch.Append(chunk1);
  batch.Append(chunk2);
  std::vector<LogRow> rows = DecodeLogs(EncodeLogs(batch, TableNames()));
  ASSERT_EQ(rows.size(), 6u);
  const std::vector<std::string> expected = {"a", "a", "a", "", "", "b"};
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].service_name, expected[i]) << i;
}

// ---------------------------------------------------------------------------------------------
// Metrics.

struct CommonColumns {
  StringMap resource_attributes;
  std::string resource_schema_url, scope_name, scope_version;
  StringMap scope_attributes;
  uint32_t scope_dropped;
  std::string scope_schema_url, name, description, unit;
  StringMap attributes;
  int64_t start_time, time;
};

struct ExemplarColumns {
  std::vector<StringMap> filtered_attributes;
  std::vector<int64_t> times;
  std::vector<double> values;
  std::vector<std::string> span_ids, trace_ids;
};

CommonColumns ReadCommon(RowBinaryReader& r) {
  CommonColumns c;
  c.resource_attributes = r.Map();
  c.resource_schema_url = r.String();
  c.scope_name = r.String();
  c.scope_version = r.String();
  c.scope_attributes = r.Map();
  c.scope_dropped = r.Fixed<uint32_t>();
  c.scope_schema_url = r.String();
  c.name = r.String();
  c.description = r.String();
  c.unit = r.String();
  c.attributes = r.Map();
  c.start_time = r.DateTime64();
  c.time = r.DateTime64();
  return c;
}

ExemplarColumns ReadExemplars(RowBinaryReader& r) {
  ExemplarColumns e;
  e.filtered_attributes = r.MapArray();
  e.times = r.DateTime64Array();
  e.values = r.Float64Array();
  e.span_ids = r.StringArray();
  e.trace_ids = r.StringArray();
  return e;
}

void ExpectCommon(const CommonColumns& c, const std::string& name, int point) {
  EXPECT_EQ(c.resource_attributes, (StringMap{{"service.name", "metrics-svc"}}));
  EXPECT_EQ(c.resource_schema_url, "res-schema");
  EXPECT_EQ(c.scope_name, "meter");
  EXPECT_EQ(c.scope_version, "2.0");
  EXPECT_EQ(c.scope_attributes, (StringMap{{"scope.k", "v"}}));
  EXPECT_EQ(c.scope_dropped, 4u);
  EXPECT_EQ(c.scope_schema_url, "scope-schema");
  EXPECT_EQ(c.name, name);
  EXPECT_EQ(c.attributes, (StringMap{{"point", std::to_string(point)}}));
  EXPECT_EQ(c.start_time, static_cast<int64_t>(kT0 - 60'000'000'000));
  EXPECT_EQ(c.time, static_cast<int64_t>(kT0 + point));
}

void ExpectExemplars(const ExemplarColumns& e) {
  EXPECT_EQ(e.filtered_attributes,
            (std::vector<StringMap>{{{"filtered", "yes"}}, StringMap{}, StringMap{}}));
  EXPECT_EQ(e.times, (std::vector<int64_t>{int64_t(kT0 + 1), 0, 0}));
  EXPECT_EQ(e.values, (std::vector<double>{0.25, -3.0, 0.0}));
  EXPECT_EQ(e.span_ids,
            (std::vector<std::string>{kSpanHex, "0000000000000000", "0000000000000000"}));
  EXPECT_EQ(e.trace_ids,
            (std::vector<std::string>{kTraceHex, std::string(32, '0'), std::string(32, '0')}));
}

const InsertBlock* Find(const std::vector<InsertBlock>& blocks, const std::string& table) {
  for (const InsertBlock& b : blocks) {
    if (b.table == table) return &b;
  }
  return nullptr;
}

TEST(EncodeMetrics, OneBlockPerTypeWithTheSheetsColumnLists) {
  TableNames names;
  names.metrics = "m";
  auto blocks = EncodeMetrics(pdata::Metrics(EveryMetricKind()), names);
  ASSERT_TRUE(blocks.ok()) << blocks.status();
  ASSERT_EQ(blocks->size(), 5u);
  const std::string common =
      "ResourceAttributes, ResourceSchemaUrl, ScopeName, ScopeVersion, ScopeAttributes, "
      "ScopeDroppedAttrCount, ScopeSchemaUrl, MetricName, MetricDescription, MetricUnit, "
      "Attributes, StartTimeUnix, TimeUnix, ";
  const std::string exemplars =
      "Exemplars.FilteredAttributes, Exemplars.TimeUnix, Exemplars.Value, Exemplars.SpanId, "
      "Exemplars.TraceId";
  EXPECT_EQ((*blocks)[0].table, "m_gauge");
  EXPECT_EQ((*blocks)[0].columns, common + "Value, Flags, " + exemplars);
  EXPECT_EQ((*blocks)[1].table, "m_sum");
  EXPECT_EQ((*blocks)[1].columns, common + "Value, Flags, " + exemplars + ", AggTemp, IsMonotonic");
  EXPECT_EQ((*blocks)[2].table, "m_histogram");
  EXPECT_EQ((*blocks)[2].columns, common + "Count, Sum, BucketCounts, ExplicitBounds, " +
                                      exemplars + ", Flags, Min, Max");
  EXPECT_EQ((*blocks)[3].table, "m_exponential_histogram");
  EXPECT_EQ((*blocks)[3].columns,
            common +
                "Count, Sum, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, "
                "NegativeOffset, NegativeBucketCounts, " +
                exemplars + ", Flags, Min, Max");
  EXPECT_EQ((*blocks)[4].table, "m_summary");
  EXPECT_EQ((*blocks)[4].columns,
            common + "Count, Sum, ValueAtQuantiles.Quantile, ValueAtQuantiles.Value, Flags");
  // The sheet's placeholder counts.
  const size_t counts[] = {20, 22, 25, 29, 18};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(CountColumns((*blocks)[i].columns), counts[i]) << i;
}

TEST(EncodeMetrics, GaugeRows) {
  auto blocks = EncodeMetrics(pdata::Metrics(EveryMetricKind()), TableNames());
  ASSERT_TRUE(blocks.ok());
  const InsertBlock* b = Find(*blocks, "otel_metrics_gauge");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->rows, 3u);
  RowBinaryReader r(b->body);
  CommonColumns c = ReadCommon(r);
  ExpectCommon(c, "g", 0);
  EXPECT_EQ(c.description, "a gauge");
  EXPECT_EQ(c.unit, "1");
  EXPECT_EQ(r.Fixed<double>(), 1.5);
  EXPECT_EQ(r.Fixed<uint32_t>(), 1u);
  ExpectExemplars(ReadExemplars(r));
  // Int value → Float64; then a point with no value → 0.
  c = ReadCommon(r);
  EXPECT_TRUE(c.attributes.empty());
  EXPECT_EQ(r.Fixed<double>(), 42.0);
  EXPECT_EQ(r.Fixed<uint32_t>(), 0u);
  EXPECT_TRUE(ReadExemplars(r).values.empty());
  ReadCommon(r);
  EXPECT_EQ(r.Fixed<double>(), 0.0);
  r.Fixed<uint32_t>();
  ReadExemplars(r);
  EXPECT_TRUE(r.done());
}

TEST(EncodeMetrics, SumRows) {
  auto blocks = EncodeMetrics(pdata::Metrics(EveryMetricKind()), TableNames());
  ASSERT_TRUE(blocks.ok());
  const InsertBlock* b = Find(*blocks, "otel_metrics_sum");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->rows, 1u);
  RowBinaryReader r(b->body);
  CommonColumns c = ReadCommon(r);
  ExpectCommon(c, "s", 1);
  EXPECT_EQ(c.unit, "By");
  EXPECT_EQ(r.Fixed<double>(), 9223372036854775807.0);
  EXPECT_EQ(r.Fixed<uint32_t>(), 1u);
  ExpectExemplars(ReadExemplars(r));
  EXPECT_EQ(r.Fixed<int32_t>(), 1);  // delta
  EXPECT_TRUE(r.Bool());
  EXPECT_TRUE(r.done());
}

TEST(EncodeMetrics, HistogramRows) {
  auto blocks = EncodeMetrics(pdata::Metrics(EveryMetricKind()), TableNames());
  ASSERT_TRUE(blocks.ok());
  const InsertBlock* b = Find(*blocks, "otel_metrics_histogram");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->rows, 2u);
  RowBinaryReader r(b->body);
  ExpectCommon(ReadCommon(r), "h", 2);
  EXPECT_EQ(r.Fixed<uint64_t>(), 10u);
  EXPECT_EQ(r.Fixed<double>(), 12.5);
  EXPECT_EQ(r.UInt64Array(), (std::vector<uint64_t>{1, 2, 7}));
  EXPECT_EQ(r.Float64Array(), (std::vector<double>{0.5, 1.0}));
  ExpectExemplars(ReadExemplars(r));
  EXPECT_EQ(r.Fixed<uint32_t>(), 1u);
  EXPECT_EQ(r.Fixed<double>(), 0.1);
  EXPECT_EQ(r.Fixed<double>(), 3.0);
  // Absent sum, min and max are 0.
  ReadCommon(r);
  EXPECT_EQ(r.Fixed<uint64_t>(), 0u);
  EXPECT_EQ(r.Fixed<double>(), 0.0);
  EXPECT_TRUE(r.UInt64Array().empty());
  EXPECT_TRUE(r.Float64Array().empty());
  ReadExemplars(r);
  EXPECT_EQ(r.Fixed<uint32_t>(), 0u);
  EXPECT_EQ(r.Fixed<double>(), 0.0);
  EXPECT_EQ(r.Fixed<double>(), 0.0);
  EXPECT_TRUE(r.done());
}

TEST(EncodeMetrics, ExponentialHistogramRows) {
  auto blocks = EncodeMetrics(pdata::Metrics(EveryMetricKind()), TableNames());
  ASSERT_TRUE(blocks.ok());
  const InsertBlock* b = Find(*blocks, "otel_metrics_exponential_histogram");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->rows, 1u);
  RowBinaryReader r(b->body);
  ExpectCommon(ReadCommon(r), "e", 3);
  EXPECT_EQ(r.Fixed<uint64_t>(), 9u);
  EXPECT_EQ(r.Fixed<double>(), -4.5);
  EXPECT_EQ(r.Fixed<int32_t>(), -2);
  EXPECT_EQ(r.Fixed<uint64_t>(), 3u);
  EXPECT_EQ(r.Fixed<int32_t>(), -5);
  EXPECT_EQ(r.UInt64Array(), (std::vector<uint64_t>{1, 0, 2}));
  EXPECT_EQ(r.Fixed<int32_t>(), 7);
  EXPECT_EQ(r.UInt64Array(), (std::vector<uint64_t>{uint64_t{1} << 40}));
  ExpectExemplars(ReadExemplars(r));
  EXPECT_EQ(r.Fixed<uint32_t>(), 1u);
  EXPECT_EQ(r.Fixed<double>(), -9.0);
  EXPECT_EQ(r.Fixed<double>(), 8.0);
  EXPECT_TRUE(r.done());
}

TEST(EncodeMetrics, SummaryRows) {
  auto blocks = EncodeMetrics(pdata::Metrics(EveryMetricKind()), TableNames());
  ASSERT_TRUE(blocks.ok());
  const InsertBlock* b = Find(*blocks, "otel_metrics_summary");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->rows, 1u);
  RowBinaryReader r(b->body);
  ExpectCommon(ReadCommon(r), "q", 4);
  EXPECT_EQ(r.Fixed<uint64_t>(), 100u);
  EXPECT_EQ(r.Fixed<double>(), 250.5);
  EXPECT_EQ(r.Float64Array(), (std::vector<double>{0.0, 0.5, 1.0}));
  EXPECT_EQ(r.Float64Array(), (std::vector<double>{1.0, 2.0, 9.0}));
  EXPECT_EQ(r.Fixed<uint32_t>(), 1u);
  EXPECT_TRUE(r.done());
}

TEST(EncodeMetrics, OnlyTypesWithRowsGetABlock) {
  auto chunk = std::make_shared<MetricsChunk>();
  auto* sm = chunk->message().add_resource_metrics()->add_scope_metrics();
  sm->add_metrics()->mutable_summary()->add_data_points()->set_count(1);
  sm->add_metrics()->mutable_gauge();  // a gauge without points: no rows, no block
  auto blocks = EncodeMetrics(pdata::Metrics(chunk), TableNames());
  ASSERT_TRUE(blocks.ok());
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_EQ((*blocks)[0].table, "otel_metrics_summary");
  EXPECT_TRUE(EncodeMetrics(pdata::Metrics(), TableNames())->empty());
}

TEST(EncodeMetrics, AMetricWithoutDataFailsTheWholeBatch) {
  pdata::Metrics batch(EveryMetricKind());
  auto bad = std::make_shared<MetricsChunk>();
  bad->message().add_resource_metrics()->add_scope_metrics()->add_metrics()->set_name("nodata");
  batch.Append(bad);
  auto blocks = EncodeMetrics(batch, TableNames());
  ASSERT_FALSE(blocks.ok());
  EXPECT_EQ(blocks.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(blocks.status().message().rfind("metrics type is unset", 0), 0u)
      << blocks.status().message();
  EXPECT_NE(blocks.status().message().find("\"nodata\""), std::string::npos);
}

TEST(RowBinary, VarUIntIsLeb128) {
  auto enc = [](uint64_t v) {
    std::string s;
    rowbinary::AppendVarUInt(v, &s);
    return s;
  };
  EXPECT_EQ(enc(0), std::string(1, '\0'));
  EXPECT_EQ(enc(127), "\x7f");
  EXPECT_EQ(enc(128), "\x80\x01");
  EXPECT_EQ(enc(300), "\xac\x02");
  EXPECT_EQ(enc(std::numeric_limits<uint64_t>::max()), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
  std::string s;
  rowbinary::AppendFixed<int32_t>(-2, &s);
  rowbinary::AppendFixed<double>(1.0, &s);
  EXPECT_EQ(s, std::string("\xfe\xff\xff\xff\x00\x00\x00\x00\x00\x00\xf0\x3f", 12));
}

}  // namespace
}  // namespace ocelot::exporter::clickhouse
