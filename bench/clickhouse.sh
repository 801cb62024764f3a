#!/usr/bin/env bash
# The ClickHouse exporter benchmark (issue 5): rows/s inserted for spans and logs, the bytes
# sent per row, and ocelot's CPU per million rows, against a private ClickHouse 26 (clickhouse-
# local from chdb's libchdb.so, started the way tests/testing/clickhouse starts it).
#   bench/clickhouse.sh [none] [zstd] [gzip]      (request body compression; default: none zstd)
#
# Pipeline: otlp (gRPC) -> batch (send_batch_size 8192, timeout 1s) -> clickhouse exporter
# (database bench, default sending_queue: 1 consumer, 1000 batches; batches are 9000 rows, as
# nine 1000-item requests first reach 8192). Per variant, one ocelot and a freshly dropped
# database; per signal (traces, then logs): ocelot-loadgen flat out for
# DURATION s (or at RATE items/s), then wait until the exporter has sent (or failed) every item
# the load generator got accepted and its queue is empty. Measured per signal:
#   rows        SELECT count() of the table, compared with the accepted items (lost = difference)
#   rows/s      rows / (load start .. drained), and the load generator's accepted items/s
#   bytes/row   ClickHouse's InterfaceHTTPReceiveBytes (system.events: every byte its HTTP
#               server read, headers included) before/after, per row: what went over the wire;
#               raw/row: the RowBinary bodies before compression (ocelot's debug log line per
#               insert)
#   CPU         utime+stime from /proc/PID/stat before/after, for ocelot and for ClickHouse (its
#               background merges included), as seconds per million rows
#   connections HTTP connections ClickHouse accepted during the signal's run (keep-alive: 0, the
#               connection opened for the DDL is reused)
#   RSS         ocelot's peak during the load (load generator samples) and VmHWM so far
# Rows go to bench/results/clickhouse.tsv and are printed as a table.
#
# The load generator, ocelot and ClickHouse share the machine's cores: on a 2-core VM each
# figure is what is left after the other two, so read them together with the CPU columns.
# The load generator sends 16 request variants in turn (distinct trace and span ids, the same
# attribute values), timestamped at its start, so a table TTL keeps the rows; the compressed
# figures are far better than real telemetry would give (the attribute values repeat).
#
# Env: BUILD (build dir with ocelot, ocelot-loadgen, tests/testing/clickhouse/ocelot_chdb_server;
#   default build), CHDB_LIB (libchdb.so; default $OCELOT_CHDB_LIB or the install-deps path),
#   DURATION (seconds of load per signal, 15), RATE (items/s, 0 = flat out; a rate below what
#   the exporter drains measures the steady state without a growing queue), CONNECTIONS (2),
#   INFLIGHT (4), ITEMS (per request, 1000), NUM_CONSUMERS (exporter sending_queue consumers;
#   default: the exporter's default, 1), TTL (exporter ttl, 0), SIGNALS ("traces logs"),
#   DRAIN_TIMEOUT (s, 300), PORT_BASE (26300: otlp grpc, +1 ocelot metrics, +2 ClickHouse
#   HTTP, +3 ClickHouse native), RESULTS (bench/results/clickhouse.tsv), KEEP_WORK (set: keep
#   the configs, logs and ClickHouse data).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CHDB_LIB=${CHDB_LIB:-${OCELOT_CHDB_LIB:-/opt/ocelot-deps/chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so}}
DURATION=${DURATION:-15}
RATE=${RATE:-0}
CONNECTIONS=${CONNECTIONS:-2}
INFLIGHT=${INFLIGHT:-4}
ITEMS=${ITEMS:-1000}
TTL=${TTL:-0}
SIGNALS=${SIGNALS:-traces logs}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-300}
PORT_BASE=${PORT_BASE:-26300}

OCELOT=$BUILD/ocelot
LOADGEN=$BUILD/ocelot-loadgen
CHSERVER=$BUILD/tests/testing/clickhouse/ocelot_chdb_server
GRPC_PORT=$PORT_BASE
METRICS_PORT=$((PORT_BASE + 1))
CH_HTTP=$((PORT_BASE + 2))
CH_TCP=$((PORT_BASE + 3))
RESULTS=${RESULTS:-bench/results/clickhouse.tsv}
WORK=$(mktemp -d /tmp/ocelot-chbench.XXXXXX)
mkdir -p bench/results "$WORK/ch/data"
OCELOT_PID="" CH_PID=""
cleanup() {
  # Only the processes this script started, by pid.
  for p in $OCELOT_PID $CH_PID; do kill -KILL "$p" 2>/dev/null || true; done
  for p in $OCELOT_PID $CH_PID; do wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for b in "$OCELOT" "$LOADGEN" "$CHSERVER"; do
  [ -x "$b" ] || { echo "missing $b (BUILD=$BUILD; ninja -C $BUILD ${b##*/})" >&2; exit 1; }
done
[ -f "$CHDB_LIB" ] || { echo "missing $CHDB_LIB: run scripts/install-deps.sh or set CHDB_LIB" >&2; exit 1; }
for p in $GRPC_PORT $METRICS_PORT $CH_HTTP $CH_TCP; do
  if (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null; then
    echo "port $p is busy; set PORT_BASE" >&2
    exit 1
  fi
done

wait_port() {  # wait_port PORT [SECONDS]: until something accepts on 127.0.0.1:PORT
  local deadline=$((SECONDS + ${2:-60}))
  until (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "port $1 never opened" >&2; return 1; }
    sleep 0.05
  done
}

# --- ClickHouse: the config and users file of tests/testing/clickhouse/clickhouse_server.cc ---
start_clickhouse() {
  cat > "$WORK/ch/config.xml" <<XML
<clickhouse>
  <logger><console>1</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CH_HTTP</http_port>
  <tcp_port>$CH_TCP</tcp_port>
  <path>$WORK/ch/data/</path>
  <users_config>$WORK/ch/users.xml</users_config>
</clickhouse>
XML
  # `default` must stay passwordless: clickhouse-local's own session logs in as it.
  cat > "$WORK/ch/users.xml" <<XML
<clickhouse>
  <profiles><default/></profiles>
  <quotas><default/></quotas>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
  </users>
</clickhouse>
XML
  "$CHSERVER" --lib="$CHDB_LIB" --config-file="$WORK/ch/config.xml" --path="$WORK/ch/data/" \
    </dev/null >"$WORK/ch/server.log" 2>&1 &
  CH_PID=$!
  local deadline=$((SECONDS + 60))
  until [ "$(curl -s --noproxy '*' --max-time 1 "http://127.0.0.1:$CH_HTTP/ping" 2>/dev/null)" = "Ok." ]; do
    kill -0 "$CH_PID" 2>/dev/null || { echo "ClickHouse exited; log:" >&2; tail -20 "$WORK/ch/server.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "ClickHouse did not answer /ping in 60 s" >&2; exit 1; }
    sleep 0.1
  done
}

ch() {  # ch SQL: one statement over HTTP, TSV answer on stdout
  curl -sS --noproxy '*' --fail-with-body --max-time 60 "http://127.0.0.1:$CH_HTTP/" --data-binary "$1"
}
# "<HTTP bytes received> <HTTP connections created>" so far, in one request.
ch_http() {
  ch "SELECT sumIf(value, event = 'InterfaceHTTPReceiveBytes'),
        sumIf(value, event = 'HTTPServerConnectionsCreated') FROM system.events"
}

# --- ocelot ---
config() {  # config COMPRESS
  cat > "$WORK/config.yaml" <<YAML
receivers:
  otlp:
    protocols:
      grpc: {endpoint: 127.0.0.1:$GRPC_PORT, max_recv_msg_size_mib: 64}
processors:
  batch: {send_batch_size: 8192, timeout: 1s}
exporters:
  clickhouse:
    endpoint: http://127.0.0.1:$CH_HTTP
    database: bench
    ttl: ${TTL}
    compress: $1
    sending_queue: {enabled: true${NUM_CONSUMERS:+, num_consumers: $NUM_CONSUMERS}}
service:
  telemetry:
    logs: {level: debug}
    metrics: {address: 127.0.0.1:$METRICS_PORT}
  pipelines:
    traces: {receivers: [otlp], processors: [batch], exporters: [clickhouse]}
    logs: {receivers: [otlp], processors: [batch], exporters: [clickhouse]}
YAML
  "$OCELOT" validate --config "$WORK/config.yaml" >/dev/null
}

start_ocelot() {
  "$OCELOT" --config "$WORK/config.yaml" 2>"$WORK/ocelot.log" &
  OCELOT_PID=$!
  wait_port $GRPC_PORT 60 || { tail -5 "$WORK/ocelot.log" >&2; exit 1; }
  wait_port $METRICS_PORT 10
}

stop_ocelot() {
  kill -TERM "$OCELOT_PID" 2>/dev/null || true
  wait "$OCELOT_PID" 2>/dev/null || true
  OCELOT_PID=""
}

field() { sed -E "s/.*\"$1\":([^,}]*).*/\1/" <<<"$2" | tr -d '"'; }
cpu_s() {  # utime+stime of PID in seconds (fields 14, 15; the name in field 2 may hold spaces)
  awk -v t="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t}' "/proc/$1/stat"
}
hwm_mib() { awk '/^VmHWM/{printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
# The sum of a metric over its label sets on ocelot's /metrics (0 if absent).
metric() {
  curl -s --noproxy '*' --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" |
    awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $NF} END {printf "%.0f", s}'
}
now() { date +%s.%N; }
calc() { awk "BEGIN{printf \"$1\", $2}"; }
# Uncompressed RowBinary bytes ocelot inserted into TABLE so far (its debug line per insert).
raw_bytes() {
  awk -v t="insert into $1:" 'index($0, t) {for (i = 1; i < NF; i++) if ($(i+1) ~ /^bytes/) s += $i}
    END {printf "%.0f", s}' "$WORK/ocelot.log"
}

printf "variant\tsignal\tseconds\taccepted\trows\tlost\tload_items_per_s\trows_per_s\tbytes_per_row\traw_bytes_per_row\tocelot_cpu_s\tocelot_cpu_s_per_m\tch_cpu_s\tch_cpu_s_per_m\tocelot_rss_peak_mib\tocelot_vmhwm_mib\tch_vmhwm_mib\tinserts\tconnections\n" > "$RESULTS"

run_signal() {  # run_signal VARIANT SIGNAL
  local variant=$1 signal=$2 table sent_metric failed_metric
  case $signal in
    traces) table=otel_traces sent_metric=otelcol_exporter_sent_spans failed_metric=otelcol_exporter_send_failed_spans ;;
    logs) table=otel_logs sent_metric=otelcol_exporter_sent_log_records failed_metric=otelcol_exporter_send_failed_log_records ;;
    *) echo "unknown signal $signal" >&2; exit 1 ;;
  esac
  local sent0 failed0 bytes0 conns0 raw0 inserts0 ocpu0 chcpu0 t0
  sent0=$(metric $sent_metric) failed0=$(metric $failed_metric)
  raw0=$(raw_bytes "$table") inserts0=$(grep -c "insert into $table:" "$WORK/ocelot.log" || true)
  read -r bytes0 conns0 < <(ch_http)
  ocpu0=$(cpu_s "$OCELOT_PID") chcpu0=$(cpu_s "$CH_PID") t0=$(now)

  local json
  json=$("$LOADGEN" --endpoint 127.0.0.1:$GRPC_PORT --signal "$signal" --items "$ITEMS" \
    --duration "$DURATION" --rate "$RATE" --connections "$CONNECTIONS" --inflight "$INFLIGHT" \
    --pid "$OCELOT_PID" --json)
  local t_load accepted failed_req refused rss_peak
  t_load=$(now)
  accepted=$(field accepted_items "$json") rss_peak=$(field rss_peak_mib "$json")
  failed_req=$(field failed "$json") refused=$(field refused "$json")

  # Drained: every accepted item sent or failed, nothing queued.
  local deadline=$((SECONDS + DRAIN_TIMEOUT)) done_items queue
  while :; do
    done_items=$(($(metric $sent_metric) - sent0 + $(metric $failed_metric) - failed0))
    queue=$(metric otelcol_exporter_queue_size)
    [ "$done_items" -ge "$accepted" ] && [ "$queue" -eq 0 ] && break
    [ $SECONDS -lt $deadline ] || { echo "not drained after $DRAIN_TIMEOUT s: $done_items of $accepted, queue $queue" >&2; break; }
    sleep 0.1
  done
  local t1 ocpu1 chcpu1 bytes1 conns1
  t1=$(now) ocpu1=$(cpu_s "$OCELOT_PID") chcpu1=$(cpu_s "$CH_PID")
  read -r bytes1 conns1 < <(ch_http)
  local rows sent failed raw inserts
  rows=$(ch "SELECT count() FROM bench.$table")
  sent=$(($(metric $sent_metric) - sent0)) failed=$(($(metric $failed_metric) - failed0))
  raw=$(($(raw_bytes "$table") - raw0))
  inserts=$(($(grep -c "insert into $table:" "$WORK/ocelot.log" || true) - inserts0))

  local secs=$(calc %.2f "$t1 - $t0") m=$(calc %.6f "$rows / 1e6")
  [ "$rows" -gt 0 ] || m=0
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" \
    "$variant" "$signal" "$secs" "$accepted" "$rows" $((accepted - rows)) \
    "$(calc %.0f "$accepted / ($t_load - $t0)")" "$(calc %.0f "$rows / $secs")" \
    "$(calc %.1f "($rows > 0) ? ($bytes1 - $bytes0) / $rows : 0")" \
    "$(calc %.1f "($rows > 0) ? $raw / $rows : 0")" \
    "$(calc %.2f "$ocpu1 - $ocpu0")" "$(calc %.2f "($m > 0) ? ($ocpu1 - $ocpu0) / $m : 0")" \
    "$(calc %.2f "$chcpu1 - $chcpu0")" "$(calc %.2f "($m > 0) ? ($chcpu1 - $chcpu0) / $m : 0")" \
    "$rss_peak" "$(hwm_mib "$OCELOT_PID")" "$(hwm_mib "$CH_PID")" "$inserts" $((conns1 - conns0 - 1)) >> "$RESULTS"
  echo "  $signal: accepted $accepted, exporter sent $sent failed $failed, table rows $rows;" \
    "load ${DURATION}s + drain $(calc %.1f "$t1 - $t_load")s; requests refused $refused failed $failed_req;" \
    "$inserts inserts, $((bytes1 - bytes0)) bytes over HTTP"
}

run_variant() {  # run_variant COMPRESS
  echo "== compress: $1"
  ch "DROP DATABASE IF EXISTS bench SYNC"
  config "$1"
  start_ocelot
  for s in $SIGNALS; do run_signal "$1" "$s"; done
  stop_ocelot
  grep -E '"level":"(error|warn)|\[(error|warning)\]' "$WORK/ocelot.log" | tail -3 || true
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
start_clickhouse
echo "ClickHouse $(ch 'SELECT version()') on 127.0.0.1:$CH_HTTP (pid $CH_PID, data in $WORK/ch)"
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(none zstd)
for v in "${variants[@]}"; do run_variant "$v"; done
echo "machine: $(nproc) cores shared by the load generator, ocelot and ClickHouse;" \
  "load average before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo
column -t -s $'\t' "$RESULTS"
