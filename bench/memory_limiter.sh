#!/usr/bin/env bash
# The memory_limiter load test (issue 6): drives ocelot past its memory limit with a slow
# exporter and measures, not asserts, whether the process stays under limit_mib, refuses rather
# than crashes, and recovers when the load drops. Also runs the same overload without the
# limiter, stopped at STOP_FACTOR x the limit, for contrast.
#   bench/memory_limiter.sh [limited] [unlimited]      (default: both)
#
# Pipeline: otlp (gRPC) -> [memory_limiter] -> batch -> otlp exporter (in-memory sending queue
# of QUEUE_SIZE batches, retry on) -> bench/floor_sink --delay-ms DELAY_MS (a backend that
# answers every request DELAY_MS late, so the exporter drains NUM_CONSUMERS batches per delay).
#
# Phases, each a series of CHUNK-second ocelot-loadgen runs so refusals and RSS form a series:
#   overload  OVERLOAD s flat out over CONNECTIONS connections x INFLIGHT calls;
#   recovery  RECOVERY s at RECOVERY_RATE spans/s, below what the slow exporter drains.
# RSS is sampled by the load generator (--pid, every 250 ms) and the true peak is the kernel's
# VmHWM from /proc/PID/status. Prints a series and a summary, and writes the summary rows to
# bench/results/memory_limiter.tsv.
#
# Env: BUILD (build dir with ocelot, ocelot-loadgen, bench/floor_sink; default build),
#   LIMIT_MIB (200), SPIKE_MIB (50), CHECK_INTERVAL (100ms), MARGIN_MIB (stated margin over
#   the limit, 10), DELAY_MS (500), NUM_CONSUMERS (4), QUEUE_SIZE (100000), OVERLOAD (30),
#   RECOVERY (30), CHUNK (2), CONNECTIONS (4), INFLIGHT (8), ITEMS (spans per request, 1000),
#   RECOVERY_RATE (5000), STOP_FACTOR (2), PORT_BASE (25310: grpc, +1 sink, +2 metrics),
#   RESULTS (bench/results/memory_limiter.tsv), KEEP_WORK (set: keep the config and logs).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LIMIT_MIB=${LIMIT_MIB:-200}
SPIKE_MIB=${SPIKE_MIB:-50}
CHECK_INTERVAL=${CHECK_INTERVAL:-100ms}
MARGIN_MIB=${MARGIN_MIB:-10}
DELAY_MS=${DELAY_MS:-500}
NUM_CONSUMERS=${NUM_CONSUMERS:-4}
QUEUE_SIZE=${QUEUE_SIZE:-100000}
OVERLOAD=${OVERLOAD:-30}
RECOVERY=${RECOVERY:-30}
CHUNK=${CHUNK:-2}
CONNECTIONS=${CONNECTIONS:-4}
INFLIGHT=${INFLIGHT:-8}
ITEMS=${ITEMS:-1000}
RECOVERY_RATE=${RECOVERY_RATE:-5000}
STOP_FACTOR=${STOP_FACTOR:-2}
PORT_BASE=${PORT_BASE:-25310}

OCELOT=$BUILD/ocelot
LOADGEN=$BUILD/ocelot-loadgen
SINK=$BUILD/bench/floor_sink
GRPC_PORT=$PORT_BASE
SINK_PORT=$((PORT_BASE + 1))
METRICS_PORT=$((PORT_BASE + 2))
RESULTS=${RESULTS:-bench/results/memory_limiter.tsv}
WORK=$(mktemp -d /tmp/ocelot-memlim.XXXXXX)
mkdir -p bench/results
OCELOT_PID="" SINK_PID=""
cleanup() {
  # Only the processes this script started, by pid.
  for p in $OCELOT_PID $SINK_PID; do kill -KILL "$p" 2>/dev/null || true; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

for b in "$OCELOT" "$LOADGEN" "$SINK"; do
  [ -x "$b" ] || { echo "missing $b (BUILD=$BUILD)" >&2; exit 1; }
done
for p in $GRPC_PORT $SINK_PORT $METRICS_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null; then
    echo "port $p is busy; set PORT_BASE" >&2
    exit 1
  fi
done

wait_port() {  # wait_port PORT: until something accepts on 127.0.0.1:PORT (20 s deadline)
  local deadline=$((SECONDS + 20))
  until (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "port $1 never opened" >&2; return 1; }
    sleep 0.05
  done
}

config() {  # config PROCESSORS
  cat > "$WORK/config.yaml" <<YAML
receivers:
  otlp:
    protocols:
      grpc: {endpoint: 127.0.0.1:$GRPC_PORT, max_recv_msg_size_mib: 64}
processors:
  memory_limiter: {check_interval: $CHECK_INTERVAL, limit_mib: $LIMIT_MIB, spike_limit_mib: $SPIKE_MIB}
  batch: {send_batch_size: 8192, timeout: 200ms}
exporters:
  otlp:
    endpoint: 127.0.0.1:$SINK_PORT
    tls: {insecure: true}
    compression: none
    timeout: 60s
    retry_on_failure: {enabled: true}
    sending_queue: {enabled: true, num_consumers: $NUM_CONSUMERS, queue_size: $QUEUE_SIZE}
service:
  telemetry:
    logs: {level: info}
    metrics: {address: 127.0.0.1:$METRICS_PORT}
  pipelines:
    traces: {receivers: [otlp], processors: [$1], exporters: [otlp]}
YAML
  [[ $1 == *memory_limiter* ]] || sed -i "/^  memory_limiter: /d" "$WORK/config.yaml"
  "$OCELOT" validate --config "$WORK/config.yaml" >/dev/null
}

start() {
  "$SINK" 127.0.0.1:$SINK_PORT --delay-ms "$DELAY_MS" > "$WORK/sink.count" 2>/dev/null &
  SINK_PID=$!
  wait_port $SINK_PORT
  "$OCELOT" --config "$WORK/config.yaml" 2>"$WORK/ocelot.log" &
  OCELOT_PID=$!
  wait_port $GRPC_PORT
}

# Sets OCELOT_EXIT and SINK_COUNT. Run in this shell: only the parent can wait for them.
stop() {
  OCELOT_EXIT=dead
  if kill -0 "$OCELOT_PID" 2>/dev/null; then
    kill -TERM "$OCELOT_PID"
    OCELOT_EXIT=0
    wait "$OCELOT_PID" || OCELOT_EXIT=$?
  else
    wait "$OCELOT_PID" 2>/dev/null || OCELOT_EXIT="dead ($?)"
  fi
  kill -TERM "$SINK_PID"
  wait "$SINK_PID" || true
  SINK_COUNT=$(cat "$WORK/sink.count")
  OCELOT_PID="" SINK_PID=""
}

field() { sed -E "s/.*\"$1\":([^,}]*).*/\1/" <<<"$2" | tr -d '"'; }
rss_mib() { awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_mib() { awk '/^VmHWM/{printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
# The sum of a counter over its label sets on ocelot's /metrics (0 if absent).
metric() {
  curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" |
    awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $NF} END {printf "%.0f", s}'
}

# chunk PHASE T [loadgen args...]: one CHUNK-second load generator run; prints a series line
# and accumulates the phase's totals in P_* (sent, accepted, refused, failed, rss sum, peak).
chunk() {
  local phase=$1 t=$2
  shift 2
  local json
  json=$("$LOADGEN" --endpoint 127.0.0.1:$GRPC_PORT --items "$ITEMS" --duration "$CHUNK" \
    --pid "$OCELOT_PID" --json "$@" || true)
  [ -n "$json" ] || json='{"sent":0,"accepted":0,"refused":0,"failed":0,"rss_mean_mib":0,"rss_peak_mib":0}'
  local sent accepted refused failed mean peak
  sent=$(field sent "$json") accepted=$(field accepted "$json") refused=$(field refused "$json")
  failed=$(field failed "$json") mean=$(field rss_mean_mib "$json") peak=$(field rss_peak_mib "$json")
  CHUNK_REFUSED=$refused
  P_SENT=$((P_SENT + sent)) P_ACC=$((P_ACC + accepted)) P_REF=$((P_REF + refused))
  P_FAIL=$((P_FAIL + failed)) P_N=$((P_N + 1))
  P_RSS_SUM=$(awk -v a="$P_RSS_SUM" -v b="$mean" 'BEGIN{print a + b}')
  P_PEAK=$(awk -v a="$P_PEAK" -v b="$peak" 'BEGIN{print (b > a) ? b : a}')
  printf "%-9s %5ss  requests sent %6d accepted %6d refused %6d failed %4d  rss mean %6.1f peak %6.1f MiB\n" \
    "$phase" "$t" "$sent" "$accepted" "$refused" "$failed" "$mean" "$peak"
}
phase_reset() { P_SENT=0 P_ACC=0 P_REF=0 P_FAIL=0 P_N=0 P_RSS_SUM=0 P_PEAK=0; }
phase_mean() { awk -v s="$P_RSS_SUM" -v n="$P_N" 'BEGIN{printf "%.1f", n ? s / n : 0}'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
printf "variant\tlimit_mib\tsoft_mib\tcheck_interval\tphase\tseconds\tsent\taccepted\trefused\tfailed\trss_mean_mib\trss_peak_mib\tvmhwm_mib\trefused_spans_metric\talive\tnote\n" > "$RESULTS"
row() {  # row VARIANT PHASE SECONDS HWM REFUSED_METRIC ALIVE NOTE
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$1" "$LIMIT_MIB" \
    "$((LIMIT_MIB - SPIKE_MIB))" "$CHECK_INTERVAL" "$2" "$3" "$P_SENT" "$P_ACC" "$P_REF" \
    "$P_FAIL" "$(phase_mean)" "$P_PEAK" "$4" "$5" "$6" "$7" >> "$RESULTS"
}

run_limited() {
  echo "== limited: memory_limiter limit $LIMIT_MIB MiB, spike $SPIKE_MIB (soft $((LIMIT_MIB - SPIKE_MIB))), check $CHECK_INTERVAL; sink delay $DELAY_MS ms, $NUM_CONSUMERS consumers"
  config memory_limiter,batch
  start
  echo "ocelot ready, rss $(rss_mib "$OCELOT_PID") MiB"
  local t=0 alive=yes
  phase_reset
  while [ $t -lt "$OVERLOAD" ]; do
    chunk overload $t --connections "$CONNECTIONS" --inflight "$INFLIGHT"
    t=$((t + CHUNK))
    kill -0 "$OCELOT_PID" 2>/dev/null || { alive=no; echo "ocelot died" >&2; break; }
  done
  local hwm1 refused1
  hwm1=$(hwm_mib "$OCELOT_PID") refused1=$(metric otelcol_processor_refused_spans)
  row limited overload "$t" "$hwm1" "$refused1" "$alive" "flat out, ${CONNECTIONS}x${INFLIGHT} calls"
  local overload_row=("$P_SENT" "$P_ACC" "$P_REF" "$P_FAIL" "$(phase_mean)" "$P_PEAK")

  # Recovery: low rate; recovered = the first chunk from which no request was refused again.
  phase_reset
  local start=$t recovered_at=""
  while [ "$alive" = yes ] && [ $t -lt $((start + RECOVERY)) ]; do
    chunk recovery $t --rate "$RECOVERY_RATE" --connections 1 --inflight 4
    if [ "$CHUNK_REFUSED" -eq 0 ]; then
      [ -n "$recovered_at" ] || recovered_at=$((t - start))
    else
      recovered_at=""
    fi
    t=$((t + CHUNK))
    kill -0 "$OCELOT_PID" 2>/dev/null || { alive=no; echo "ocelot died" >&2; break; }
  done
  local hwm2 refused2 rss_end queue_end
  hwm2=$(hwm_mib "$OCELOT_PID") refused2=$(metric otelcol_processor_refused_spans)
  rss_end=$(rss_mib "$OCELOT_PID") queue_end=$(metric otelcol_exporter_queue_size)
  local note="${RECOVERY_RATE} spans/s; recovered after ${recovered_at:-never} s; end rss $rss_end MiB, queue $queue_end"
  row limited recovery $((t - start)) "$hwm2" "$refused2" "$alive" "$note"
  stop
  grep -c "Refusing data" "$WORK/ocelot.log" > "$WORK/n_refusing" || true
  echo
  echo "limited: peak RSS (VmHWM) $hwm2 MiB vs limit $LIMIT_MIB MiB (+$MARGIN_MIB stated margin):" \
    "$(awk -v h="$hwm2" -v l="$LIMIT_MIB" -v m="$MARGIN_MIB" 'BEGIN{print (h <= l + m) ? "within" : "OVER"}')"
  echo "  overload: requests sent ${overload_row[0]}, accepted ${overload_row[1]}, refused ${overload_row[2]}, failed ${overload_row[3]}; rss mean ${overload_row[4]} peak ${overload_row[5]} MiB"
  echo "  recovery: requests sent $P_SENT, accepted $P_ACC, refused $P_REF, failed $P_FAIL; $note"
  echo "  otelcol_processor_refused_spans $refused2; 'Refusing data' log lines $(cat "$WORK/n_refusing")"
  echo "  ocelot alive through the run: $alive; exit status on SIGTERM: $OCELOT_EXIT; sink received $SINK_COUNT spans"
  echo "  last log lines:"; tail -3 "$WORK/ocelot.log" | sed 's/^/    /'
  echo
}

run_unlimited() {
  local cap=$((LIMIT_MIB * STOP_FACTOR))
  echo "== unlimited: no memory_limiter, same slow exporter; stopped at $cap MiB or after $OVERLOAD s"
  config batch
  start
  local t=0 alive=yes note="not reached in ${OVERLOAD} s" rss
  phase_reset
  while [ $t -lt "$OVERLOAD" ]; do
    chunk overload $t --connections "$CONNECTIONS" --inflight "$INFLIGHT"
    t=$((t + CHUNK))
    kill -0 "$OCELOT_PID" 2>/dev/null || { alive=no; break; }
    rss=$(rss_mib "$OCELOT_PID")
    if awk -v r="$rss" -v c="$cap" 'BEGIN{exit !(r >= c)}'; then
      note="passed ${STOP_FACTOR}x limit (${cap} MiB) after ${t} s; stopped"
      break
    fi
  done
  local hwm
  hwm=$(hwm_mib "$OCELOT_PID")
  row unlimited overload "$t" "$hwm" "-" "$alive" "$note"
  stop
  echo
  echo "unlimited: peak RSS (VmHWM) $hwm MiB vs the limited run's limit $LIMIT_MIB MiB; $note"
  echo "  requests sent $P_SENT, accepted $P_ACC, refused $P_REF, failed $P_FAIL; rss mean $(phase_mean) MiB"
  echo
}

variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(limited unlimited)
for v in "${variants[@]}"; do "run_$v"; done
echo "machine: $(nproc) cores, load average before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo
column -t -s $'\t' "$RESULTS"
