// Tests for the OTLP/JSON codec: golden bytes against otelcol's output, round trips, the lenient
// input forms the OTLP spec allows, and error messages that carry the JSON path.
#include "pdata/otlp_json.h"

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

namespace ocelot::pdata {
namespace {

using google::protobuf::util::MessageDifferencer;
using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::logs::v1::LogsData;
using opentelemetry::proto::metrics::v1::MetricsData;
using opentelemetry::proto::trace::v1::Span;
using opentelemetry::proto::trace::v1::Status;
using opentelemetry::proto::trace::v1::TracesData;

const std::string kTraceId("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16);
const std::string kSpanId("\x11\x12\x13\x14\x15\x16\x17\x18", 8);
constexpr char kTraceIdHex[] = "0102030405060708090a0b0c0d0e0f10";
constexpr char kSpanIdHex[] = "1112131415161718";

// A string literal with embedded NULs, minus the terminator.
template <size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

std::string Encode(const google::protobuf::Message& msg) {
  std::string out;
  AppendOtlpJson(msg, &out);
  return out;
}

KeyValue* AddAttr(google::protobuf::RepeatedPtrField<KeyValue>* attrs, const std::string& key) {
  KeyValue* kv = attrs->Add();
  kv->set_key(key);
  return kv;
}

// Every field of the trace model set to a non-default value, so a round trip checks them all.
ExportTraceServiceRequest FullTraceRequest() {
  ExportTraceServiceRequest req;
  auto* rs = req.add_resource_spans();
  rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
  rs->mutable_resource()->set_dropped_attributes_count(3);
  AddAttr(rs->mutable_resource()->mutable_attributes(), "service.name")
      ->mutable_value()
      ->set_string_value("checkout");
  auto* ss = rs->add_scope_spans();
  ss->set_schema_url("scope-schema");
  ss->mutable_scope()->set_name("io.ocelot");
  ss->mutable_scope()->set_version("1.2.3");
  ss->mutable_scope()->set_dropped_attributes_count(1);
  AddAttr(ss->mutable_scope()->mutable_attributes(), "lib")->mutable_value()->set_bool_value(true);

  Span* span = ss->add_spans();
  span->set_trace_id(kTraceId);
  span->set_span_id(kSpanId);
  span->set_trace_state("k=v");
  span->set_parent_span_id(std::string("\xff\xee\xdd\xcc\xbb\xaa\x99\x88", 8));
  span->set_flags(0x101);
  span->set_name("GET /cart");
  span->set_kind(Span::SPAN_KIND_SERVER);
  span->set_start_time_unix_nano(1700000000123456789ULL);
  span->set_end_time_unix_nano(18446744073709551615ULL);
  AddAttr(span->mutable_attributes(), "http.status_code")->mutable_value()->set_int_value(-200);
  AddAttr(span->mutable_attributes(), "ratio")->mutable_value()->set_double_value(0.25);
  span->set_dropped_attributes_count(4);
  auto* event = span->add_events();
  event->set_time_unix_nano(1700000000200000000ULL);
  event->set_name("exception");
  AddAttr(event->mutable_attributes(), "exception.message")
      ->mutable_value()
      ->set_string_value("boom \"quoted\"\n");
  event->set_dropped_attributes_count(5);
  span->set_dropped_events_count(6);
  auto* link = span->add_links();
  link->set_trace_id(std::string(16, '\xab'));
  link->set_span_id(std::string(8, '\xcd'));
  link->set_trace_state("a=b");
  AddAttr(link->mutable_attributes(), "link.kind")->mutable_value()->set_string_value("follows");
  link->set_dropped_attributes_count(7);
  link->set_flags(1);
  span->set_dropped_links_count(8);
  span->mutable_status()->set_message("upstream failed");
  span->mutable_status()->set_code(Status::STATUS_CODE_ERROR);

  // A second, minimal span: ids and sub-messages present but empty.
  Span* root = ss->add_spans();
  root->set_trace_id(kTraceId);
  root->set_span_id(kSpanId);
  root->set_name("root");
  root->mutable_status();
  return req;
}

void ExpectParsesTo(const std::string& json, const google::protobuf::Message& expected) {
  std::unique_ptr<google::protobuf::Message> got(expected.New());
  absl::Status status = ParseOtlpJson(json, got.get());
  ASSERT_TRUE(status.ok()) << status << "\n" << json;
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(expected, *got)) << diff << "\n" << json;
}

template <typename T>
std::string ParseError(const std::string& json) {
  T msg;
  absl::Status status = ParseOtlpJson(json, &msg);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  // A failed parse must not leave half-filled data behind.
  EXPECT_EQ(msg.ByteSizeLong(), 0u);
  return std::string(status.message());
}

// ---------------------------------------------------------------------------------------------
// Encoding: exact bytes.

TEST(OtlpJsonEncodeTest, GoldenSmallSpan) {
  TracesData data;
  auto* rs = data.add_resource_spans();
  AddAttr(rs->mutable_resource()->mutable_attributes(), "service.name")
      ->mutable_value()
      ->set_string_value("svc");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope();
  Span* span = ss->add_spans();
  span->set_trace_id(kTraceId);
  span->set_span_id(kSpanId);
  span->set_name("op");
  span->set_kind(Span::SPAN_KIND_SERVER);
  span->set_start_time_unix_nano(1);
  span->set_end_time_unix_nano(2);
  span->mutable_status();
  // What otelcol 0.96's file exporter writes for the same data (pdata's gogo/jsonpb
  // marshaler): an empty parent id is written as "" and the empty scope/status as {}.
  EXPECT_EQ(Encode(data),
            R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name",)"
            R"("value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{},"spans":[{)"
            R"("traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718",)"
            R"("parentSpanId":"","name":"op","kind":2,"startTimeUnixNano":"1",)"
            R"("endTimeUnixNano":"2","status":{}}]}]}]})");
}

TEST(OtlpJsonEncodeTest, UnsetSubMessagesAndIdsAreWrittenLikeOtelcol) {
  // otelcol's structs are non-nullable: resource, scope, status, KeyValue.value and empty ids
  // appear even when the protobuf message never set them. This is otelcol 0.96's own
  // expectation for a bare span (pdata/ptrace/json_test.go).
  TracesData data;
  data.add_resource_spans()->add_scope_spans()->add_spans()->set_name("testSpan2");
  EXPECT_EQ(Encode(data),
            R"({"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[{)"
            R"("traceId":"","spanId":"","parentSpanId":"","name":"testSpan2","status":{}}]}]}]})");

  KeyValue kv;
  kv.set_key("k");
  EXPECT_EQ(Encode(kv), R"({"key":"k","value":{}})");

  // An all-zero id is invalid; otelcol writes it as "" too.
  Span span;
  span.set_trace_id(std::string(16, '\0'));
  span.set_span_id(kSpanId);
  EXPECT_EQ(Encode(span),
            R"({"traceId":"","spanId":"1112131415161718","parentSpanId":"","status":{}})");
}

TEST(OtlpJsonEncodeTest, EmptyMessageAndAppendSemantics) {
  TracesData data;
  std::string out = "prefix ";
  AppendOtlpJson(data, &out);
  AppendOtlpJson(data, &out);
  EXPECT_EQ(out, "prefix {}{}");
}

TEST(OtlpJsonEncodeTest, AnyValueKinds) {
  KeyValue kv;
  kv.set_key("k");
  AnyValue* v = kv.mutable_value();
  auto encode_value = [&]() { return Encode(*v); };

  v->set_string_value("s");
  EXPECT_EQ(encode_value(), R"({"stringValue":"s"})");
  v->set_string_value("");  // oneof members are written even when empty
  EXPECT_EQ(encode_value(), R"({"stringValue":""})");
  v->set_bool_value(false);
  EXPECT_EQ(encode_value(), R"({"boolValue":false})");
  v->set_bool_value(true);
  EXPECT_EQ(encode_value(), R"({"boolValue":true})");
  v->set_int_value(0);
  EXPECT_EQ(encode_value(), R"({"intValue":"0"})");
  v->set_int_value(-9223372036854775807LL - 1);
  EXPECT_EQ(encode_value(), R"({"intValue":"-9223372036854775808"})");
  v->set_double_value(0);
  EXPECT_EQ(encode_value(), R"({"doubleValue":0})");
  v->set_double_value(1.1);
  EXPECT_EQ(encode_value(), R"({"doubleValue":1.1})");
  v->set_bytes_value("foo");
  EXPECT_EQ(encode_value(), R"({"bytesValue":"Zm9v"})");
  v->set_bytes_value(std::string("\xff\xfe", 2));
  EXPECT_EQ(encode_value(), R"({"bytesValue":"//4="})");
  v->set_bytes_value("");
  EXPECT_EQ(encode_value(), R"({"bytesValue":""})");

  v->mutable_array_value()->add_values()->set_int_value(1);
  v->mutable_array_value()->add_values()->set_string_value("str");
  v->mutable_array_value()->add_values();  // empty AnyValue
  EXPECT_EQ(encode_value(),
            R"({"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"str"},{}]}})");

  auto* kvlist = v->mutable_kvlist_value();
  AddAttr(kvlist->mutable_values(), "int")->mutable_value()->set_int_value(1);
  AddAttr(kvlist->mutable_values(), "nested")
      ->mutable_value()
      ->mutable_kvlist_value()
      ->add_values()
      ->set_key("x");
  EXPECT_EQ(encode_value(),
            R"({"kvlistValue":{"values":[{"key":"int","value":{"intValue":"1"}},)"
            R"({"key":"nested","value":{"kvlistValue":{"values":[{"key":"x","value":{}}]}}}]}})");

  v->mutable_array_value();
  EXPECT_EQ(encode_value(), R"({"arrayValue":{}})");
  v->Clear();
  EXPECT_EQ(encode_value(), "{}");
}

TEST(OtlpJsonEncodeTest, StringEscaping) {
  AnyValue v;
  v.set_string_value(Bytes("q\"b\\n\nr\rt\tnul\0bel\x07\x1f<>&\x7f"));
  EXPECT_EQ(Encode(v),
            R"({"stringValue":"q\"b\\n\nr\rt\tnul\u0000bel\u0007\u001f\u003c\u003e\u0026)"
            "\x7f\"}");
  // Valid multi-byte UTF-8 passes through; U+2028/U+2029 are escaped as Go does.
  v.set_string_value("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8\xe2\x80\xa9");
  EXPECT_EQ(Encode(v),
            "{\"stringValue\":\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \\u2028\\u2029\"}");
  // Each byte that does not start a valid sequence becomes U+FFFD: a lone continuation byte,
  // a truncated sequence, an overlong encoding, a surrogate, a code point above U+10FFFF.
  v.set_string_value("a\x80z \xe2\x82 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xff");
  EXPECT_EQ(Encode(v), R"({"stringValue":"a\ufffdz \ufffd\ufffd \ufffd\ufffd \ufffd\ufffd\ufffd )"
                       R"(\ufffd\ufffd\ufffd\ufffd \ufffd"})");
  // The output is valid JSON that parses back (invalid bytes now U+FFFD).
  AnyValue back;
  ASSERT_TRUE(ParseOtlpJson(Encode(v), &back).ok());
  EXPECT_EQ(back.string_value(),
            "a\xef\xbf\xbdz \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
            "\xef\xbf\xbd");
  // Escaped text round-trips exactly.
  v.set_string_value(Bytes("q\"b\\n\nr\rt\tnul\0bel\x07<>&\xe2\x80\xa8"));
  ASSERT_TRUE(ParseOtlpJson(Encode(v), &back).ok());
  EXPECT_EQ(back.string_value(), v.string_value());
}

TEST(OtlpJsonEncodeTest, DoublesFormatLikeGo) {
  auto encode = [](double d) {
    AnyValue v;
    v.set_double_value(d);
    std::string json = Encode(v);
    return json.substr(15, json.size() - 16);  // strip {"doubleValue": and }
  };
  EXPECT_EQ(encode(0.5), "0.5");
  EXPECT_EQ(encode(-2), "-2");
  EXPECT_EQ(encode(0.1), "0.1");
  EXPECT_EQ(encode(123456789.125), "123456789.125");
  EXPECT_EQ(encode(1e20), "100000000000000000000");
  // Go pads the shortest digits with zeros; the exact integer would be 1152921504606846976.
  EXPECT_EQ(encode(1152921504606846976.0), "1152921504606847000");
  EXPECT_EQ(encode(-123456789012345678.0), "-123456789012345680");
  EXPECT_EQ(encode(1e21), "1e+21");
  EXPECT_EQ(encode(1.5e300), "1.5e+300");
  EXPECT_EQ(encode(0.000001), "0.000001");
  EXPECT_EQ(encode(1e-7), "1e-7");
  EXPECT_EQ(encode(-2.5e-10), "-2.5e-10");
  EXPECT_EQ(encode(5e-324), "5e-324");
  EXPECT_EQ(encode(std::numeric_limits<double>::quiet_NaN()), "\"NaN\"");
  EXPECT_EQ(encode(std::numeric_limits<double>::infinity()), "\"Infinity\"");
  EXPECT_EQ(encode(-std::numeric_limits<double>::infinity()), "\"-Infinity\"");
}

TEST(OtlpJsonEncodeTest, DefaultsOmittedOptionalAndOneofWritten) {
  opentelemetry::proto::metrics::v1::HistogramDataPoint dp;
  EXPECT_EQ(Encode(dp), "{}");
  dp.set_sum(0);  // proto3 optional: present even though zero
  dp.set_min(0);
  EXPECT_EQ(Encode(dp), R"({"sum":0,"min":0})");

  opentelemetry::proto::metrics::v1::NumberDataPoint ndp;
  ndp.set_as_int(0);
  EXPECT_EQ(Encode(ndp), R"({"asInt":"0"})");
  ndp.set_as_double(0);
  EXPECT_EQ(Encode(ndp), R"({"asDouble":0})");

  // -0.0 equals 0 and is omitted for implicit-presence fields, as Go does.
  opentelemetry::proto::metrics::v1::SummaryDataPoint sdp;
  sdp.set_sum(-0.0);
  EXPECT_EQ(Encode(sdp), "{}");

  ExportTraceServiceResponse resp;
  EXPECT_EQ(Encode(resp), R"({"partialSuccess":{}})");
  resp.mutable_partial_success()->set_rejected_spans(3);
  resp.mutable_partial_success()->set_error_message("too big");
  EXPECT_EQ(Encode(resp), R"({"partialSuccess":{"rejectedSpans":"3","errorMessage":"too big"}})");
}

// ---------------------------------------------------------------------------------------------
// Round trips.

TEST(OtlpJsonRoundTripTest, FullTraceRequest) {
  const ExportTraceServiceRequest req = FullTraceRequest();
  const std::string json = Encode(req);
  ExpectParsesTo(json, req);

  ExportTraceServiceRequest parsed;
  ASSERT_TRUE(ParseOtlpJson(json, &parsed).ok());
  EXPECT_EQ(Encode(parsed), json);

  // Spot-check the wire forms that matter for compatibility.
  EXPECT_NE(json.find(R"("flags":257,"name":"GET /cart","kind":2,)"), std::string::npos);
  EXPECT_NE(json.find(R"("parentSpanId":"ffeeddccbbaa9988")"), std::string::npos);
  EXPECT_NE(json.find(R"("endTimeUnixNano":"18446744073709551615")"), std::string::npos);
  EXPECT_NE(json.find(R"("links":[{"traceId":"abababababababababababababababab",)"
                      R"("spanId":"cdcdcdcdcdcdcdcd","traceState":"a=b",)"),
            std::string::npos);
  EXPECT_NE(json.find(R"("droppedLinksCount":8,"status":{"message":"upstream failed","code":2})"),
            std::string::npos);
  EXPECT_NE(json.find(R"("stringValue":"boom \"quoted\"\n")"), std::string::npos);
}

TEST(OtlpJsonRoundTripTest, TracesDataAndArenaMessage) {
  const ExportTraceServiceRequest req = FullTraceRequest();
  const std::string json = Encode(req);
  // TracesData has the same shape as the export request (the file exporter's format).
  TracesData data;
  ASSERT_TRUE(ParseOtlpJson(json, &data).ok());
  EXPECT_EQ(Encode(data), json);

  google::protobuf::Arena arena;
  auto* on_arena = google::protobuf::Arena::CreateMessage<ExportTraceServiceRequest>(&arena);
  ASSERT_TRUE(ParseOtlpJson(json, on_arena).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(*on_arena, req));
}

ExportMetricsServiceRequest FullMetricsRequest() {
  using namespace opentelemetry::proto::metrics::v1;  // NOLINT: many types, test only
  ExportMetricsServiceRequest req;
  auto* rm = req.add_resource_metrics();
  AddAttr(rm->mutable_resource()->mutable_attributes(), "host.name")
      ->mutable_value()
      ->set_string_value("h1");
  rm->set_schema_url("rs");
  auto* sm = rm->add_scope_metrics();
  sm->mutable_scope()->set_name("meter");
  sm->set_schema_url("ss");

  Metric* gauge = sm->add_metrics();
  gauge->set_name("cpu.temp");
  gauge->set_description("temperature");
  gauge->set_unit("Cel");
  auto* gdp = gauge->mutable_gauge()->add_data_points();
  AddAttr(gdp->mutable_attributes(), "core")->mutable_value()->set_int_value(3);
  gdp->set_start_time_unix_nano(100);
  gdp->set_time_unix_nano(200);
  gdp->set_as_double(41.5);
  gdp->set_flags(DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
  auto* ex = gdp->add_exemplars();
  AddAttr(ex->mutable_filtered_attributes(), "user")->mutable_value()->set_string_value("u");
  ex->set_time_unix_nano(150);
  ex->set_as_int(7);
  ex->set_span_id(kSpanId);
  ex->set_trace_id(kTraceId);
  AddAttr(gauge->mutable_metadata(), "origin")->mutable_value()->set_string_value("prom");

  Metric* sum = sm->add_metrics();
  sum->set_name("requests");
  sum->mutable_sum()->set_aggregation_temporality(AGGREGATION_TEMPORALITY_CUMULATIVE);
  sum->mutable_sum()->set_is_monotonic(true);
  auto* sdp = sum->mutable_sum()->add_data_points();
  sdp->set_time_unix_nano(300);
  sdp->set_as_int(-9223372036854775807LL);

  Metric* hist = sm->add_metrics();
  hist->set_name("latency");
  hist->mutable_histogram()->set_aggregation_temporality(AGGREGATION_TEMPORALITY_DELTA);
  auto* hdp = hist->mutable_histogram()->add_data_points();
  hdp->set_time_unix_nano(400);
  hdp->set_count(6);
  hdp->set_sum(0.5);
  hdp->add_bucket_counts(1);
  hdp->add_bucket_counts(2);
  hdp->add_bucket_counts(3);
  hdp->add_explicit_bounds(0.1);
  hdp->add_explicit_bounds(1);
  hdp->set_min(0.01);
  hdp->set_max(2);

  Metric* exp = sm->add_metrics();
  exp->set_name("sizes");
  exp->mutable_exponential_histogram()->set_aggregation_temporality(AGGREGATION_TEMPORALITY_DELTA);
  auto* edp = exp->mutable_exponential_histogram()->add_data_points();
  edp->set_time_unix_nano(500);
  edp->set_count(10);
  edp->set_sum(123.25);
  edp->set_scale(-3);
  edp->set_zero_count(1);
  edp->mutable_positive()->set_offset(-2);
  edp->mutable_positive()->add_bucket_counts(4);
  edp->mutable_positive()->add_bucket_counts(5);
  edp->mutable_negative();
  edp->set_min(0);
  edp->set_max(99.5);
  edp->set_zero_threshold(1e-9);

  Metric* summary = sm->add_metrics();
  summary->set_name("rpc.duration");
  auto* qdp = summary->mutable_summary()->add_data_points();
  qdp->set_time_unix_nano(600);
  qdp->set_count(4);
  qdp->set_sum(8);
  auto* q = qdp->add_quantile_values();
  q->set_quantile(0.5);
  q->set_value(1.5);
  q = qdp->add_quantile_values();
  q->set_quantile(1);
  q->set_value(3);
  return req;
}

TEST(OtlpJsonRoundTripTest, MetricsRequest) {
  const ExportMetricsServiceRequest req = FullMetricsRequest();
  const std::string json = Encode(req);
  ExpectParsesTo(json, req);

  EXPECT_NE(
      json.find(R"("dataPoints":[{"attributes":[{"key":"core","value":{"intValue":"3"}}],)"
                R"("startTimeUnixNano":"100","timeUnixNano":"200","asDouble":41.5,)"
                R"("exemplars":[{"filteredAttributes":[{"key":"user","value":)"
                R"({"stringValue":"u"}}],"timeUnixNano":"150","asInt":"7",)"
                R"("spanId":"1112131415161718","traceId":"0102030405060708090a0b0c0d0e0f10"}],)"
                R"("flags":1}]},"metadata":[{"key":"origin")"),
      std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("sum":{"dataPoints":[{"timeUnixNano":"300",)"
                      R"("asInt":"-9223372036854775807"}],"aggregationTemporality":2,)"
                      R"("isMonotonic":true})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("histogram":{"dataPoints":[{"timeUnixNano":"400","count":"6",)"
                      R"("sum":0.5,"bucketCounts":["1","2","3"],"explicitBounds":[0.1,1],)"
                      R"("min":0.01,"max":2}],"aggregationTemporality":1})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("exponentialHistogram":{"dataPoints":[{"timeUnixNano":"500",)"
                      R"("count":"10","sum":123.25,"scale":-3,"zeroCount":"1",)"
                      R"("positive":{"offset":-2,"bucketCounts":["4","5"]},"negative":{},)"
                      R"("min":0,"max":99.5,"zeroThreshold":1e-9}])"),
            std::string::npos)
      << json;
  EXPECT_NE(
      json.find(R"("summary":{"dataPoints":[{"timeUnixNano":"600","count":"4","sum":8,)"
                R"("quantileValues":[{"quantile":0.5,"value":1.5},{"quantile":1,"value":3}]}]})"),
      std::string::npos)
      << json;

  MetricsData data;
  ASSERT_TRUE(ParseOtlpJson(json, &data).ok());
  EXPECT_EQ(Encode(data), json);
}

TEST(OtlpJsonRoundTripTest, LogsRequest) {
  using namespace opentelemetry::proto::logs::v1;  // NOLINT: test only
  ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  AddAttr(rl->mutable_resource()->mutable_attributes(), "resource-attr")
      ->mutable_value()
      ->set_string_value("resource-attr-val-1");
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope();
  LogRecord* rec = sl->add_log_records();
  rec->set_time_unix_nano(1581452773000000789ULL);
  rec->set_observed_time_unix_nano(1581452773000000790ULL);
  rec->set_severity_number(SEVERITY_NUMBER_INFO);
  rec->set_severity_text("Info");
  rec->mutable_body()->set_string_value("This is a log message");
  AddAttr(rec->mutable_attributes(), "app")->mutable_value()->set_string_value("server");
  AddAttr(rec->mutable_attributes(), "instance_num")->mutable_value()->set_int_value(1);
  rec->set_dropped_attributes_count(1);
  rec->set_flags(1);
  rec->set_trace_id(std::string("\x08\x04\x02\x01", 4) + std::string(12, '\0'));
  rec->set_span_id(std::string("\x01\x02\x04\x08", 4) + std::string(4, '\0'));
  LogRecord* bare = sl->add_log_records();
  bare->set_time_unix_nano(5);
  bare->mutable_body();

  const std::string json = Encode(req);
  EXPECT_EQ(
      json,
      R"({"resourceLogs":[{"resource":{"attributes":[{"key":"resource-attr","value":)"
      R"({"stringValue":"resource-attr-val-1"}}]},"scopeLogs":[{"scope":{},"logRecords":[)"
      R"({"timeUnixNano":"1581452773000000789","observedTimeUnixNano":"1581452773000000790",)"
      R"("severityNumber":9,"severityText":"Info","body":{"stringValue":"This is a log message"},)"
      R"("attributes":[{"key":"app","value":{"stringValue":"server"}},{"key":"instance_num",)"
      R"("value":{"intValue":"1"}}],"droppedAttributesCount":1,"flags":1,)"
      R"("traceId":"08040201000000000000000000000000","spanId":"0102040800000000"},)"
      R"({"timeUnixNano":"5","body":{},"traceId":"","spanId":""}]}]}]})");
  ExpectParsesTo(json, req);

  LogsData data;
  ASSERT_TRUE(ParseOtlpJson(json, &data).ok());
  EXPECT_EQ(Encode(data), json);
}

// ---------------------------------------------------------------------------------------------
// Decoding: accepted input forms.

TEST(OtlpJsonParseTest, HexIdsAnyCaseAndEmpty) {
  Span expected;
  expected.set_trace_id(std::string(16, '\xab'));
  expected.set_span_id(kSpanId);
  ExpectParsesTo(R"({"traceId":"ABABABABABABABABABABABABABABABAB","spanId":"1112131415161718",)"
                 R"("parentSpanId":""})",
                 expected);
  // Links, exemplars and log records use hex for their ids too.
  Span::Link link;
  link.set_trace_id(kTraceId);
  link.set_span_id(kSpanId);
  ExpectParsesTo(
      absl::StrCat(R"({"traceId":")", kTraceIdHex, R"(","spanId":")", kSpanIdHex, R"("})"), link);
  opentelemetry::proto::metrics::v1::Exemplar exemplar;
  exemplar.set_trace_id(kTraceId);
  exemplar.set_span_id(kSpanId);
  ExpectParsesTo(
      absl::StrCat(R"({"trace_id":")", kTraceIdHex, R"(","span_id":")", kSpanIdHex, R"("})"),
      exemplar);
}

TEST(OtlpJsonParseTest, Int64AsStringOrNumber) {
  Span expected;
  expected.set_start_time_unix_nano(1700000000123456789ULL);
  expected.set_end_time_unix_nano(18446744073709551615ULL);
  expected.set_dropped_attributes_count(3);
  ExpectParsesTo(
      R"({"startTimeUnixNano":"1700000000123456789","endTimeUnixNano":"18446744073709551615",)"
      R"("droppedAttributesCount":3})",
      expected);
  ExpectParsesTo(
      R"({"startTimeUnixNano":1700000000123456789,"endTimeUnixNano":18446744073709551615,)"
      R"("droppedAttributesCount":"3"})",
      expected);

  AnyValue v;
  v.set_int_value(-42);
  ExpectParsesTo(R"({"intValue":-42})", v);
  ExpectParsesTo(R"({"intValue":"-42"})", v);
  ExpectParsesTo(R"({"intValue":-4.2e1})", v);
  v.set_int_value(1000);
  ExpectParsesTo(R"({"intValue":"1e3"})", v);
}

TEST(OtlpJsonParseTest, SnakeCaseNames) {
  const ExportTraceServiceRequest req = FullTraceRequest();
  std::string json = Encode(req);
  // Rewrite every camelCase key to its proto name; the parse must come out identical.
  const std::pair<std::string, std::string> renames[] = {
      {"resourceSpans", "resource_spans"},
      {"scopeSpans", "scope_spans"},
      {"schemaUrl", "schema_url"},
      {"droppedAttributesCount", "dropped_attributes_count"},
      {"traceId", "trace_id"},
      {"spanId", "span_id"},
      {"traceState", "trace_state"},
      {"parentSpanId", "parent_span_id"},
      {"startTimeUnixNano", "start_time_unix_nano"},
      {"endTimeUnixNano", "end_time_unix_nano"},
      {"timeUnixNano", "time_unix_nano"},
      {"droppedEventsCount", "dropped_events_count"},
      {"droppedLinksCount", "dropped_links_count"},
      {"stringValue", "string_value"},
      {"boolValue", "bool_value"},
      {"intValue", "int_value"},
      {"doubleValue", "double_value"},
  };
  for (const auto& [from, to] : renames) {
    const std::string quoted_from = "\"" + from + "\":";
    const std::string quoted_to = "\"" + to + "\":";
    for (size_t pos = json.find(quoted_from); pos != std::string::npos;
         pos = json.find(quoted_from, pos + quoted_to.size())) {
      json.replace(pos, quoted_from.size(), quoted_to);
    }
  }
  ASSERT_EQ(json.find("Id\""), std::string::npos) << json;
  ExpectParsesTo(json, req);
}

TEST(OtlpJsonParseTest, EnumAsNameOrInteger) {
  Span expected;
  expected.set_kind(Span::SPAN_KIND_CLIENT);
  expected.mutable_status()->set_code(Status::STATUS_CODE_OK);
  ExpectParsesTo(R"({"kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_OK"}})", expected);
  ExpectParsesTo(R"({"kind":3,"status":{"code":1}})", expected);

  opentelemetry::proto::logs::v1::LogRecord rec;
  rec.set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_WARN2);
  ExpectParsesTo(R"({"severity_number":"SEVERITY_NUMBER_WARN2"})", rec);
  ExpectParsesTo(R"({"severityNumber":14})", rec);

  // proto3 enums are open: unknown numbers are kept.
  Span open;
  open.set_kind(static_cast<Span::SpanKind>(42));
  ExpectParsesTo(R"({"kind":42})", open);
}

TEST(OtlpJsonParseTest, AnyValueKinds) {
  KeyValue kv;
  kv.set_key("k");
  AnyValue* v = kv.mutable_value();
  v->set_string_value("s");
  ExpectParsesTo(R"({"key":"k","value":{"stringValue":"s"}})", kv);
  v->set_string_value("");
  ExpectParsesTo(R"({"key":"k","value":{"stringValue":""}})", kv);
  v->set_bool_value(false);
  ExpectParsesTo(R"({"key":"k","value":{"boolValue":false}})", kv);
  v->set_int_value(7);
  ExpectParsesTo(R"({"key":"k","value":{"intValue":"7"}})", kv);
  v->set_double_value(2.5);
  ExpectParsesTo(R"({"key":"k","value":{"doubleValue":2.5}})", kv);
  v->set_double_value(3);
  ExpectParsesTo(R"({"key":"k","value":{"doubleValue":"3"}})", kv);
  v->set_bytes_value(std::string("\xfb\xff\x00", 3));
  ExpectParsesTo(R"({"key":"k","value":{"bytesValue":"+/8A"}})", kv);
  ExpectParsesTo(R"({"key":"k","value":{"bytesValue":"-_8A"}})", kv);  // URL-safe alphabet
  v->set_bytes_value("fo");
  ExpectParsesTo(R"({"key":"k","value":{"bytesValue":"Zm8="}})", kv);
  ExpectParsesTo(R"({"key":"k","value":{"bytesValue":"Zm8"}})", kv);  // unpadded
  v->mutable_array_value()->add_values()->set_int_value(1);
  v->mutable_array_value()->add_values()->mutable_array_value()->add_values()->set_bool_value(true);
  ExpectParsesTo(R"({"key":"k","value":{"arrayValue":{"values":[{"intValue":"1"},)"
                 R"({"arrayValue":{"values":[{"boolValue":true}]}}]}}})",
                 kv);
  auto* inner = v->mutable_kvlist_value()->add_values();
  inner->set_key("a");
  inner->mutable_value()->set_double_value(-0.5);
  ExpectParsesTo(
      R"({"key":"k","value":{"kvlistValue":{"values":[{"key":"a","value":{"doubleValue":-0.5}}]}}})",
      kv);

  AnyValue special;
  special.set_double_value(std::numeric_limits<double>::infinity());
  ExpectParsesTo(R"({"doubleValue":"Infinity"})", special);
  AnyValue nan;
  ASSERT_TRUE(ParseOtlpJson(R"({"doubleValue":"NaN"})", &nan).ok());
  EXPECT_TRUE(std::isnan(nan.double_value()));
}

TEST(OtlpJsonParseTest, UnknownKeysIgnoredAndNullIsUnset) {
  Span expected;
  expected.set_name("op");
  ExpectParsesTo(R"({"futureField":{"nested":[1,{"x":null}],"y":"z"},"name":"op","traceId":null,)"
                 R"("attributes":null,"status":null,"kind":null,"another":[[]]})",
                 expected);
  // Well-formed numbers too large for any type are fine where nobody reads them.
  ExpectParsesTo(R"({"future":[18446744073709551616,-1e999],"name":"op"})", expected);
  AnyValue empty;
  ExpectParsesTo(R"({"stringValue":null})", empty);
  ExpectParsesTo(" \n{ } \t", empty);
}

TEST(OtlpJsonParseTest, ClearsTargetFirst) {
  Span span;
  span.set_name("old");
  span.set_kind(Span::SPAN_KIND_CLIENT);
  ASSERT_TRUE(ParseOtlpJson(R"({"traceState":"x"})", &span).ok());
  EXPECT_EQ(span.name(), "");
  EXPECT_EQ(span.kind(), Span::SPAN_KIND_UNSPECIFIED);
  EXPECT_EQ(span.trace_state(), "x");
}

TEST(OtlpJsonParseTest, ParsesOtelcolFileExporterLine) {
  // A line as written by otelcol's file exporter (from the OTLP file exporter spec example).
  const std::string line =
      R"({"resourceSpans":[{"resource":{"attributes":[{"key":"resource-attr","value":{"stringValue":"resource-attr-val-1"}}]},"scopeSpans":[{"scope":{},"spans":[{"traceId":"","spanId":"","parentSpanId":"","name":"operationA","startTimeUnixNano":"1581452772000000321","endTimeUnixNano":"1581452773000000789","droppedAttributesCount":1,"events":[{"timeUnixNano":"1581452773000000123","name":"event-with-attr","attributes":[{"key":"span-event-attr","value":{"stringValue":"span-event-attr-val"}}],"droppedAttributesCount":2},{"timeUnixNano":"1581452773000000123","name":"event","droppedAttributesCount":2}],"droppedEventsCount":1,"status":{"message":"status-cancelled","code":2}},{"traceId":"","spanId":"","parentSpanId":"","name":"operationB","startTimeUnixNano":"1581452772000000321","endTimeUnixNano":"1581452773000000789","links":[{"traceId":"","spanId":"","attributes":[{"key":"span-link-attr","value":{"stringValue":"span-link-attr-val"}}],"droppedAttributesCount":4},{"traceId":"","spanId":"","droppedAttributesCount":1}],"droppedLinksCount":3,"status":{}}]}]}]})";
  TracesData data;
  ASSERT_TRUE(ParseOtlpJson(line, &data).ok());
  ASSERT_EQ(data.resource_spans(0).scope_spans(0).spans_size(), 2);
  EXPECT_EQ(data.resource_spans(0).scope_spans(0).spans(1).links(0).dropped_attributes_count(), 4u);
  // Byte-identical re-encoding.
  EXPECT_EQ(Encode(data), line);
}

// ---------------------------------------------------------------------------------------------
// Decoding: errors name the JSON path.

TEST(OtlpJsonErrorTest, BadHexId) {
  std::string json = R"({"resourceSpans":[{"scopeSpans":[{"spans":[]},{"spans":[{},{},{},)"
                     R"({"traceId":"0102030405060708090a0b0c0d0e0f1"}]}]}]})";
  EXPECT_EQ(ParseError<TracesData>(json),
            "resourceSpans[0].scopeSpans[1].spans[3].traceId: expected 32 hex digits");
  json =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"links":[{"spanId":"zz12131415161718"}]}]}]}]})";
  EXPECT_EQ(ParseError<TracesData>(json),
            "resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId: expected 16 hex digits");
  // The path uses the key as the input spelled it.
  json = R"({"resource_logs":[{"scope_logs":[{"log_records":[{"span_id":"0102"}]}]}]})";
  EXPECT_EQ(ParseError<LogsData>(json),
            "resource_logs[0].scope_logs[0].log_records[0].span_id: expected 16 hex digits");
}

TEST(OtlpJsonErrorTest, WrongType) {
  EXPECT_EQ(
      ParseError<TracesData>(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":5}]}]}]})"),
      "resourceSpans[0].scopeSpans[0].spans[0].name: expected string, got number");
  EXPECT_EQ(ParseError<TracesData>(R"({"resourceSpans":{}})"),
            "resourceSpans: expected array, got object");
  EXPECT_EQ(ParseError<TracesData>(R"({"resourceSpans":[{"resource":[]}]})"),
            "resourceSpans[0].resource: expected object, got array");
  EXPECT_EQ(ParseError<TracesData>(
                R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":true}]}]}]})"),
            "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected integer, got "
            "boolean");
  EXPECT_EQ(ParseError<TracesData>(
                R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"12x"}]}]}]})"),
            "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected an integer, got "
            "\"12x\"");
  EXPECT_EQ(ParseError<Span>(R"({"droppedAttributesCount":-1})"),
            "droppedAttributesCount: integer out of range");
  EXPECT_EQ(ParseError<Span>(R"({"droppedAttributesCount":4294967296})"),
            "droppedAttributesCount: integer out of range");
  EXPECT_EQ(ParseError<Span>(R"({"droppedAttributesCount":1.5})"),
            "droppedAttributesCount: expected an integer, got a fractional number");
  EXPECT_EQ(ParseError<AnyValue>(R"({"intValue":"9223372036854775808"})"),
            "intValue: integer out of range");
  EXPECT_EQ(ParseError<Span>(R"({"startTimeUnixNano":18446744073709551616})"),
            "startTimeUnixNano: integer out of range");
  EXPECT_EQ(ParseError<AnyValue>(R"({"doubleValue":1e400})"), "doubleValue: number out of range");
  EXPECT_EQ(ParseError<Span>(R"({"kind":"SPAN_KIND_BOGUS"})"),
            "kind: unknown value \"SPAN_KIND_BOGUS\" for enum "
            "opentelemetry.proto.trace.v1.Span.SpanKind");
  EXPECT_EQ(ParseError<Span>(R"({"kind":true})"),
            "kind: expected integer or enum value name, got boolean");
  EXPECT_EQ(ParseError<AnyValue>(R"({"bytesValue":"not base64!"})"), "bytesValue: invalid base64");
  EXPECT_EQ(ParseError<AnyValue>(R"({"boolValue":"true"})"),
            "boolValue: expected boolean, got string");
  EXPECT_EQ(ParseError<AnyValue>(R"({"doubleValue":"fast"})"),
            "doubleValue: expected a number, got \"fast\"");
  EXPECT_EQ(ParseError<AnyValue>(R"({"arrayValue":{"values":[{},null]}})"),
            "arrayValue.values[1]: expected object, got null");
  EXPECT_EQ(ParseError<TracesData>(R"([])"), "expected a JSON object at the top level, got array");
}

TEST(OtlpJsonErrorTest, MalformedJson) {
  // On-demand parsing finds structural errors where it reaches them, so they carry a path.
  EXPECT_EQ(ParseError<TracesData>(R"({"resourceSpans":[{"resource":{"attributes":[}]}]})"),
            "resourceSpans[0].resource.attributes[0]: malformed JSON: The JSON document has an "
            "improper structure: missing or superfluous commas, braces, missing keys, etc.");
  EXPECT_EQ(ParseError<TracesData>(R"({"resourceSpans":[{"schemaUrl":"x" "resource":{}}]})"),
            "resourceSpans[0]: malformed JSON: The JSON document has an improper structure: "
            "missing or superfluous commas, braces, missing keys, etc.");
  EXPECT_EQ(ParseError<Span>(R"({"kind":nul})"), "kind: malformed JSON: invalid literal");
  // Values under unknown keys are skipped but still validated.
  EXPECT_EQ(ParseError<Span>(R"({"future":{"list":[{"a":1},{"b":tru}]},"name":"x"})"),
            "future.list[1].b: malformed JSON: invalid literal");
  EXPECT_EQ(ParseError<Span>(R"({"future":{"a" 1}})"),
            "future: malformed JSON: The JSON document has an improper structure: missing or "
            "superfluous commas, braces, missing keys, etc.");
  EXPECT_EQ(ParseError<Span>(R"({"name":"\ud800"})"),
            "name: malformed JSON: Problem while parsing a string");
  EXPECT_EQ(ParseError<AnyValue>(R"({"boolValue":tru})"),
            "boolValue: malformed JSON: invalid literal");
  EXPECT_EQ(ParseError<AnyValue>(R"({"doubleValue":1.e5})"),
            "doubleValue: malformed JSON: Problem while parsing a number");
  EXPECT_EQ(ParseError<Span>(R"({"name":"op"} {})"),
            "malformed JSON: unexpected content after the top-level object");
  // Errors found by the up-front structural scan have no position.
  EXPECT_EQ(ParseError<Span>(R"({"name":"unterminated})"),
            "malformed JSON: A string is opened, but never closed.");
  EXPECT_EQ(ParseError<Span>("{\"name\":\"bad utf8 \xff\"}"),
            "malformed JSON: The input is not valid UTF-8");
  EXPECT_EQ(ParseError<Span>(""), "malformed JSON: Empty: no JSON found");
}

}  // namespace
}  // namespace ocelot::pdata

// ---------------------------------------------------------------------------------------------
// The typed traces/logs encoders against the reflection encoder, on random requests that set
// (or leave unset) every field, including values that need escaping or special formatting.

namespace ocelot::pdata {
namespace {

class RandomOtlp {
 public:
  explicit RandomOtlp(uint32_t seed) : rng_(seed) {}

  ExportTraceServiceRequest Traces() {
    ExportTraceServiceRequest req;
    for (int r = Count(3); r > 0; --r) {
      auto* rs = req.add_resource_spans();
      if (Maybe()) Resource(rs->mutable_resource());
      if (Maybe()) rs->set_schema_url(Text());
      for (int s = Count(3); s > 0; --s) {
        auto* ss = rs->add_scope_spans();
        if (Maybe()) Scope(ss->mutable_scope());
        if (Maybe()) ss->set_schema_url(Text());
        for (int n = Count(4); n > 0; --n) Span(ss->add_spans());
      }
    }
    return req;
  }

  opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest Logs() {
    opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest req;
    for (int r = Count(3); r > 0; --r) {
      auto* rl = req.add_resource_logs();
      if (Maybe()) Resource(rl->mutable_resource());
      if (Maybe()) rl->set_schema_url(Text());
      for (int s = Count(3); s > 0; --s) {
        auto* sl = rl->add_scope_logs();
        if (Maybe()) Scope(sl->mutable_scope());
        if (Maybe()) sl->set_schema_url(Text());
        for (int n = Count(4); n > 0; --n) {
          auto* l = sl->add_log_records();
          if (Maybe()) l->set_time_unix_nano(rng_());
          if (Maybe()) l->set_observed_time_unix_nano(rng_());
          if (Maybe()) {
            l->set_severity_number(
                static_cast<opentelemetry::proto::logs::v1::SeverityNumber>(rng_() % 25));
          }
          if (Maybe()) l->set_severity_text(Text());
          if (Maybe()) Value(l->mutable_body(), 2);
          Attributes(l->mutable_attributes(), 2);
          if (Maybe()) l->set_dropped_attributes_count(static_cast<uint32_t>(rng_()));
          if (Maybe()) l->set_flags(static_cast<uint32_t>(rng_()));
          if (Maybe()) l->set_trace_id(Id(16));
          if (Maybe()) l->set_span_id(Id(8));
        }
      }
    }
    return req;
  }

 private:
  int Count(int max) { return static_cast<int>(rng_() % (max + 1)); }
  bool Maybe() { return rng_() % 2 == 0; }
  std::string Text() {
    static const char* kPieces[] = {"a",    "GET /cart", "\"q\"",        "\\",   "\n\t\r", "<&>",
                                    "\x01", "é",         "\xe2\x80\xa8", "\xff", "日本",   " "};
    std::string s;
    for (int n = Count(4); n > 0; --n) s += kPieces[rng_() % std::size(kPieces)];
    return s;
  }
  std::string Id(size_t n) {
    switch (rng_() % 4) {
      case 0:
        return std::string(n, '\0');  // all zero: written as ""
      case 1:
        return std::string(n - 1, '\x01');  // wrong length: hex of what is there
      default: {
        std::string id(n, '\0');
        for (char& c : id) c = static_cast<char>(rng_());
        return id;
      }
    }
  }
  double Double() {
    static const double kValues[] = {
        0.0, -0.0,  1.5,     1e-7,    1e21,         123456789.0,
        0.1, 1e300, -2.5e-9, 1.0 / 3, std::nan(""), std::numeric_limits<double>::infinity()};
    return kValues[rng_() % std::size(kValues)];
  }
  void Value(AnyValue* v, int depth) {
    switch (rng_() % (depth > 0 ? 8 : 6)) {
      case 0:
        v->set_string_value(Text());
        break;
      case 1:
        v->set_bool_value(Maybe());
        break;
      case 2:
        v->set_int_value(static_cast<int64_t>(rng_()));
        break;
      case 3:
        v->set_double_value(Double());
        break;
      case 4:
        v->set_bytes_value(Text());
        break;
      case 5:
        break;  // unset
      case 6:
        for (int n = Count(3); n > 0; --n) Value(v->mutable_array_value()->add_values(), depth - 1);
        if (v->value_case() == AnyValue::VALUE_NOT_SET) v->mutable_array_value();
        break;
      default:
        v->mutable_kvlist_value();
        Attributes(v->mutable_kvlist_value()->mutable_values(), depth - 1);
    }
  }
  void Attributes(google::protobuf::RepeatedPtrField<KeyValue>* attrs, int depth) {
    for (int n = Count(3); n > 0; --n) {
      KeyValue* kv = attrs->Add();
      if (Maybe()) kv->set_key(Text());
      if (Maybe()) Value(kv->mutable_value(), depth);
    }
  }
  void Resource(opentelemetry::proto::resource::v1::Resource* r) {
    Attributes(r->mutable_attributes(), 2);
    if (Maybe()) r->set_dropped_attributes_count(static_cast<uint32_t>(rng_()));
  }
  void Scope(opentelemetry::proto::common::v1::InstrumentationScope* s) {
    if (Maybe()) s->set_name(Text());
    if (Maybe()) s->set_version(Text());
    Attributes(s->mutable_attributes(), 1);
    if (Maybe()) s->set_dropped_attributes_count(static_cast<uint32_t>(rng_()));
  }
  void Span(opentelemetry::proto::trace::v1::Span* s) {
    using opentelemetry::proto::trace::v1::Span;
    if (Maybe()) s->set_trace_id(Id(16));
    if (Maybe()) s->set_span_id(Id(8));
    if (Maybe()) s->set_trace_state(Text());
    if (Maybe()) s->set_parent_span_id(Id(8));
    if (Maybe()) s->set_flags(static_cast<uint32_t>(rng_()));
    if (Maybe()) s->set_name(Text());
    if (Maybe()) s->set_kind(static_cast<Span::SpanKind>(rng_() % 6));
    if (Maybe()) s->set_start_time_unix_nano(rng_());
    if (Maybe()) s->set_end_time_unix_nano(rng_());
    Attributes(s->mutable_attributes(), 2);
    if (Maybe()) s->set_dropped_attributes_count(static_cast<uint32_t>(rng_()));
    for (int n = Count(2); n > 0; --n) {
      auto* e = s->add_events();
      if (Maybe()) e->set_time_unix_nano(rng_());
      if (Maybe()) e->set_name(Text());
      Attributes(e->mutable_attributes(), 1);
      if (Maybe()) e->set_dropped_attributes_count(static_cast<uint32_t>(rng_()));
    }
    if (Maybe()) s->set_dropped_events_count(static_cast<uint32_t>(rng_()));
    for (int n = Count(2); n > 0; --n) {
      auto* l = s->add_links();
      if (Maybe()) l->set_trace_id(Id(16));
      if (Maybe()) l->set_span_id(Id(8));
      if (Maybe()) l->set_trace_state(Text());
      Attributes(l->mutable_attributes(), 1);
      if (Maybe()) l->set_dropped_attributes_count(static_cast<uint32_t>(rng_()));
      if (Maybe()) l->set_flags(static_cast<uint32_t>(rng_()));
    }
    if (Maybe()) s->set_dropped_links_count(static_cast<uint32_t>(rng_()));
    if (Maybe()) s->mutable_status()->set_message(Text());
    if (Maybe()) {
      s->mutable_status()->set_code(
          static_cast<opentelemetry::proto::trace::v1::Status::StatusCode>(rng_() % 3));
    }
  }

  std::mt19937_64 rng_;
};

TEST(OtlpJsonTypedEncoderTest, TracesMatchTheReflectionEncoderByteForByte) {
  RandomOtlp random(7);
  for (int i = 0; i < 500; ++i) {
    ExportTraceServiceRequest req = random.Traces();
    std::string typed, reflected;
    AppendOtlpJson(req, &typed);
    AppendOtlpJsonByReflection(req, &reflected);
    ASSERT_EQ(typed, reflected) << "request " << i;
  }
}

TEST(OtlpJsonTypedEncoderTest, LogsMatchTheReflectionEncoderByteForByte) {
  RandomOtlp random(11);
  for (int i = 0; i < 500; ++i) {
    auto req = random.Logs();
    std::string typed, reflected;
    AppendOtlpJson(req, &typed);
    AppendOtlpJsonByReflection(req, &reflected);
    ASSERT_EQ(typed, reflected) << "request " << i;
  }
}

}  // namespace
}  // namespace ocelot::pdata
