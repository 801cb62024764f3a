#!/usr/bin/env bash
# The scenario benchmark: starts ocelot (or the floor sink) with a given config, drives it with
# ocelot-loadgen on loopback, samples its CPU and RSS from /proc, checks what arrived, and
# writes one row per scenario to bench/results/latest.tsv (and prints them as a table).
#   bench/run.sh [scenario ...]     scenarios: floor max http file otlp steady prod idle (default: all)
# Env: BUILD (build dir, default build), DURATION (seconds per max-rate scenario, default 10),
#      STEADY (seconds per steady scenario, default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DURATION=${DURATION:-10}
STEADY=${STEADY:-20}
OCELOT=$BUILD/ocelot
LOADGEN=$BUILD/ocelot-loadgen
SINK=$BUILD/bench/floor_sink
WORK=$(mktemp -d /tmp/ocelot-bench.XXXXXX)
RESULTS=bench/results/latest.tsv
mkdir -p bench/results
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

GRPC_PORT=24317
HTTP_PORT=24318
SINK_PORT=24319

printf "scenario\ttarget/s\tdelivered/s\tcpu%%1core\trss_mean_mib\trss_peak_mib\tp50_ms\tp99_ms\tdropped\tfloor_fraction\n" > "$RESULTS"

wait_port() {  # wait_port PORT: until something accepts on 127.0.0.1:PORT (20 s deadline)
  local deadline=$((SECONDS + 20))
  until (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "port $1 never opened" >&2; return 1; }
  done
}

config() {  # config EXPORTER [PROCESSORS]: otlp in (gRPC and HTTP) → processors → exporter
  local exporter=$1 processors=${2:-batch}
  cat > "$WORK/config.yaml" <<YAML
receivers:
  otlp:
    protocols:
      grpc: {endpoint: 127.0.0.1:$GRPC_PORT, max_recv_msg_size_mib: 64}
      http: {endpoint: 127.0.0.1:$HTTP_PORT}
processors:
  batch: {send_batch_size: 8192, timeout: 200ms}
  memory_limiter: {check_interval: 1s, limit_mib: 1024, spike_limit_mib: 256}
exporters:
  nop: {}
  file: {path: $WORK/out.json}
  otlp: {endpoint: 127.0.0.1:$SINK_PORT, tls: {insecure: true}, compression: none}
service:
  telemetry: {logs: {level: error}}
  pipelines:
    traces: {receivers: [otlp], processors: [$processors], exporters: [$exporter]}
    metrics: {receivers: [otlp], processors: [$processors], exporters: [$exporter]}
    logs: {receivers: [otlp], processors: [$processors], exporters: [$exporter]}
YAML
  # Exporters a given run does not use must not stop it from starting: drop them.
  for e in nop file otlp; do
    [ "$e" = "$exporter" ] || sed -i "/^  $e: /d" "$WORK/config.yaml"
  done
  [[ $processors == *memory_limiter* ]] || sed -i "/^  memory_limiter: /d" "$WORK/config.yaml"
  "$OCELOT" validate --config "$WORK/config.yaml" >/dev/null 2>"$WORK/validate.err" || {
    cat "$WORK/validate.err" >&2
    return 1
  }
}

start_ocelot() {
  rm -f "$WORK/out.json"
  "$OCELOT" --config "$WORK/config.yaml" 2>"$WORK/ocelot.err" &
  OCELOT_PID=$!
  wait_port $GRPC_PORT
  wait_port $HTTP_PORT
}

stop_ocelot() { kill -TERM "$OCELOT_PID"; wait "$OCELOT_PID" || true; }

start_sink() {  # start_sink [floor_sink options]
  "$SINK" 127.0.0.1:$SINK_PORT "$@" > "$WORK/sink.count" 2>/dev/null &
  SINK_PID=$!
  wait_port $SINK_PORT
}
# Sets SINK_COUNT (run in this shell, not in $(...): only the parent can wait for the sink).
stop_sink() { kill -TERM "$SINK_PID"; wait "$SINK_PID" || true; SINK_COUNT=$(cat "$WORK/sink.count"); }

field() { sed -E "s/.*\"$1\":([^,}]*).*/\1/" <<<"$2" | tr -d '"'; }

FLOOR_RATE=""
row() {  # row NAME TARGET LOADGEN_JSON DELIVERED_ITEMS
  local name=$1 target=$2 json=$3 delivered=$4
  local secs accepted_items rate dropped fraction
  secs=$(field seconds "$json")
  accepted_items=$(field accepted_items "$json")
  rate=$(awk -v d="$delivered" -v s="$secs" 'BEGIN{printf "%.0f", d/s}')
  dropped=$((accepted_items - delivered))
  fraction="-"
  [ -n "$FLOOR_RATE" ] && fraction=$(awk -v r="$rate" -v f="$FLOOR_RATE" 'BEGIN{printf "%.2f", r/f}')
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$name" "$target" "$rate" \
    "$(field cpu_percent "$json")" "$(field rss_mean_mib "$json")" "$(field rss_peak_mib "$json")" \
    "$(field p50_ms "$json")" "$(field p99_ms "$json")" "$dropped" "$fraction" | tee -a "$RESULTS"
}

scenario_floor() {
  start_sink
  local json
  json=$("$LOADGEN" --endpoint 127.0.0.1:$SINK_PORT --items 1000 --connections 2 --inflight 4 \
    --duration "$DURATION" --pid "$SINK_PID" --json)
  stop_sink
  FLOOR_RATE=$(awk -v d="$SINK_COUNT" -v s="$(field seconds "$json")" 'BEGIN{printf "%.0f", d/s}')
  row "floor sink (nghttp2 gRPC server, 1000/req)" max "$json" "$SINK_COUNT"
  # The same sink on grpc++'s own server (completion queue, one poller), for comparison.
  start_sink --grpcpp
  json=$("$LOADGEN" --endpoint 127.0.0.1:$SINK_PORT --items 1000 --connections 2 --inflight 4 \
    --duration "$DURATION" --pid "$SINK_PID" --json)
  stop_sink
  row "floor sink on grpc++ (1000/req)" max "$json" "$SINK_COUNT"
}

scenario_max() {  # grpc → batch → nop, 1000-span requests
  config nop
  start_ocelot
  local json
  json=$("$LOADGEN" --endpoint 127.0.0.1:$GRPC_PORT --items 1000 --connections 2 --inflight 4 \
    --duration "$DURATION" --pid "$OCELOT_PID" --json)
  stop_ocelot
  row "max traces grpc→batch→nop" max "$json" "$(field accepted_items "$json")"
}

scenario_http() {
  config nop
  start_ocelot
  local json
  json=$("$LOADGEN" --protocol http --endpoint 127.0.0.1:$HTTP_PORT --items 1000 --connections 2 \
    --duration "$DURATION" --pid "$OCELOT_PID" --json)
  stop_ocelot
  row "max traces http→batch→nop" max "$json" "$(field accepted_items "$json")"
}

scenario_file() {
  config file
  start_ocelot
  local json
  json=$("$LOADGEN" --endpoint 127.0.0.1:$GRPC_PORT --items 1000 --connections 2 --inflight 4 \
    --duration "$DURATION" --pid "$OCELOT_PID" --json)
  stop_ocelot
  row "max traces grpc→batch→file" max "$json" "$("$LOADGEN" --count-file "$WORK/out.json")"
}

scenario_otlp() {
  if ! config otlp; then echo "skip otlp scenario: $(head -1 "$WORK/validate.err")" >&2; return; fi
  start_sink
  start_ocelot
  local json
  json=$("$LOADGEN" --endpoint 127.0.0.1:$GRPC_PORT --items 1000 --connections 2 --inflight 4 \
    --duration "$DURATION" --pid "$OCELOT_PID" --json)
  stop_ocelot
  stop_sink
  row "max traces grpc→batch→otlp→sink" max "$json" "$SINK_COUNT"
}

scenario_steady() {  # the testbed's Trace10kSPS shape: 10k items/s, 100 per request
  # The floor at the same rate: what receiving and decoding alone cost on this machine now.
  start_sink
  local floor_json
  floor_json=$("$LOADGEN" --endpoint 127.0.0.1:$SINK_PORT --items 100 --rate 10000 \
    --duration "$STEADY" --pid "$SINK_PID" --json)
  stop_sink
  row "steady 10k traces/s floor sink" 10000 "$floor_json" "$SINK_COUNT"
  local exporter=nop
  config otlp 2>/dev/null && exporter=otlp || true
  for signal in traces logs metrics; do
    config $exporter
    [ $exporter = otlp ] && start_sink
    start_ocelot
    local json
    json=$("$LOADGEN" --endpoint 127.0.0.1:$GRPC_PORT --signal $signal --items 100 --rate 10000 \
      --duration "$STEADY" --pid "$OCELOT_PID" --json)
    stop_ocelot
    local delivered
    delivered=$(field accepted_items "$json")
    if [ $exporter = otlp ]; then
      stop_sink
      [ $signal = traces ] && delivered=$SINK_COUNT
    fi
    row "steady 10k $signal/s grpc→batch→$exporter" 10000 "$json" "$delivered"
  done
}

scenario_prod() {  # the production profile's shape: memory_limiter, batch 10s/8192, otlp out
  if ! config otlp "memory_limiter, batch"; then
    echo "skip prod scenario: $(head -1 "$WORK/validate.err")" >&2
    return
  fi
  sed -i 's/^  batch: .*/  batch: {send_batch_size: 8192, timeout: 10s}/' "$WORK/config.yaml"
  local json
  for rate in 10000 0; do
    start_sink
    start_ocelot
    if [ $rate = 0 ]; then
      json=$("$LOADGEN" --endpoint 127.0.0.1:$GRPC_PORT --items 1000 --connections 2 --inflight 4 \
        --duration "$DURATION" --pid "$OCELOT_PID" --json)
    else
      json=$("$LOADGEN" --endpoint 127.0.0.1:$GRPC_PORT --items 100 --rate $rate \
        --duration "$STEADY" --pid "$OCELOT_PID" --json)
    fi
    stop_ocelot
    stop_sink
    row "prod shape ${rate/#0/max} grpc→memory_limiter→batch 10s→otlp" "${rate/#0/max}" "$json" "$SINK_COUNT"
  done
}

idle_row() {  # idle_row NAME: start the configured ocelot, sample 5 s with no traffic
  local t0 t1 json
  t0=$(date +%s%N)
  start_ocelot
  t1=$(date +%s%N)
  # Idle sampling: 5 s of CPU and RSS with (at most) one tiny request at the start.
  json=$("$LOADGEN" --endpoint 127.0.0.1:$GRPC_PORT --rate 0.001 --duration 5 --pid "$OCELOT_PID" --json)
  stop_ocelot
  echo "$1: ready in $(( (t1 - t0) / 1000000 )) ms (includes this script's polling)" >&2
  row "$1 (ready $(( (t1 - t0) / 1000000 )) ms)" 0 "$json" "$(field accepted_items "$json")"
}

scenario_idle() {
  config file
  idle_row "idle, file profile"
  # The production profile's shape without the components not built yet (filelog, datadog):
  # memory_limiter, batch 10 s, the otlp exporter, health_check, pprof and zpages, self-metrics.
  config otlp "memory_limiter, batch" || return 0
  sed -i 's/^  batch: .*/  batch: {send_batch_size: 8192, timeout: 10s}/' "$WORK/config.yaml"
  sed -i "s/^  telemetry: .*/  telemetry: {logs: {level: error}, metrics: {address: 127.0.0.1:$((SINK_PORT + 1))}}\n  extensions: [health_check, pprof, zpages]/" "$WORK/config.yaml"
  cat >> "$WORK/config.yaml" <<YAML
extensions:
  health_check: {endpoint: 127.0.0.1:$((SINK_PORT + 2))}
  pprof: {endpoint: 127.0.0.1:$((SINK_PORT + 3))}
  zpages: {endpoint: 127.0.0.1:$((SINK_PORT + 4))}
YAML
  "$OCELOT" validate --config "$WORK/config.yaml" >/dev/null || return 0
  idle_row "idle, production shape"
}

# This VM runs the first measured scenario slower (~10 points of CPU at 10k spans/s, whichever
# scenario it is): two untimed seconds of load on the floor sink first.
warm_up() {
  start_sink
  "$LOADGEN" --endpoint 127.0.0.1:$SINK_PORT --items 100 --rate 10000 --duration 2 >/dev/null
  stop_sink
}

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(floor max http file otlp steady prod idle)
warm_up
for s in "${scenarios[@]}"; do "scenario_$s"; done
echo
column -t -s $'\t' "$RESULTS"
