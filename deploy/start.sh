#!/usr/bin/env bash
# Starts ocelot as a deployment does: checks the binary against the pinned version, selects the
# profile from the environment (`ocelot select`), validates it, prints what it chose and why
# and where to see traces, then execs ocelot. `--dry-run` stops before the exec.
#
# Variables: LETTA_ENVIRONMENT, CLICKHOUSE_ENDPOINT/PASSWORD, SIGNOZ_ENDPOINT/INGESTION_KEY
# (selection, see `ocelot select --help`); OCELOT_BIN (the binary; default: ocelot on PATH,
# then build/ocelot); OCELOT_CONFIG_DIR (the profiles; default ../configs beside this script);
# OCELOT_CONFIG_OVERRIDE (an override file merged over the profile); OCELOT_DATA_DIR (default
# $HOME/.ocelot/data outside containers); OCELOT_TRACES_DASHBOARD_URL (the traces dashboard;
# "{device_id}" in it is replaced, otherwise the device id is appended); OCELOT_DEVICE_ID
# (default: this machine's MAC address as a number, as Python's uuid.getnode() gives it).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dry_run=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    *) echo "start.sh: unknown argument \"$arg\" (only --dry-run)" >&2; exit 2 ;;
  esac
done

pinned=$(sed -n 's/^OCELOT_VERSION=//p' "$here/VERSION")
if [ -z "$pinned" ]; then
  echo "start.sh: no OCELOT_VERSION=... line in $here/VERSION" >&2
  exit 1
fi

ocelot=${OCELOT_BIN:-}
if [ -z "$ocelot" ]; then
  if command -v ocelot >/dev/null 2>&1; then
    ocelot=$(command -v ocelot)
  elif [ -x "$here/../build/ocelot" ]; then
    ocelot=$here/../build/ocelot
  fi
fi
if [ -z "$ocelot" ] || [ ! -x "$ocelot" ]; then
  echo "start.sh: no ocelot binary (set OCELOT_BIN, put ocelot on PATH, or build it with" \
    "scripts/build.sh); this deployment pins version $pinned" >&2
  exit 1
fi

installed=$("$ocelot" --version 2>/dev/null | sed -n 's/^ocelot version //p' | head -n1 || true)
if [ "$installed" != "$pinned" ]; then
  cat >&2 <<MSG
start.sh: $ocelot is version ${installed:-unknown}, but this deployment pins $pinned ($here/VERSION).
Not starting a version that was not tested here. To get the pinned version:
  container:   docker compose --env-file deploy/VERSION -f deploy/compose.yaml up -d   (image ocelot:$pinned)
  from source: check out the commit that released $pinned, run scripts/build.sh, and set OCELOT_BIN=build/ocelot
To upgrade instead, test the new version in development, then change OCELOT_VERSION in deploy/VERSION.
MSG
  exit 1
fi

export OCELOT_CONFIG_DIR=${OCELOT_CONFIG_DIR:-$(cd "$here/.." && pwd)/configs}
export OCELOT_DATA_DIR=${OCELOT_DATA_DIR:-${HOME:-/tmp}/.ocelot/data}

selection=$("$ocelot" select --configs-dir "$OCELOT_CONFIG_DIR")
config=$(head -n1 <<<"$selection")
echo "ocelot $pinned: running $config"
tail -n +2 <<<"$selection" | sed 's/^/  /'

args=(--config "$config")
if [ -n "${OCELOT_CONFIG_OVERRIDE:-}" ]; then
  args+=(--config "$OCELOT_CONFIG_OVERRIDE")
  echo "  override: $OCELOT_CONFIG_OVERRIDE"
fi

if ! "$ocelot" validate "${args[@]}"; then
  echo "start.sh: the configuration above is not valid; not starting (details above)" >&2
  exit 1
fi

device_id() {
  if [ -n "${OCELOT_DEVICE_ID:-}" ]; then
    echo "$OCELOT_DEVICE_ID"
    return
  fi
  local f mac
  for f in /sys/class/net/*/address; do
    [ -r "$f" ] || continue
    [ "$f" = /sys/class/net/lo/address ] && continue
    mac=$(cat "$f")
    [ -z "$mac" ] || [ "$mac" = 00:00:00:00:00:00 ] && continue
    printf '%d\n' "0x${mac//:/}"
    return
  done
  echo unknown
}

id=$(device_id)
url=${OCELOT_TRACES_DASHBOARD_URL:-http://localhost:3000/d/ocelot-traces?var-device_id=\{device_id\}}
if [[ $url == *"{device_id}"* ]]; then
  url=${url//\{device_id\}/$id}
else
  url=$url$id
fi
echo "  traces dashboard: $url"

if [ "$dry_run" -eq 1 ]; then
  echo "exec $ocelot ${args[*]}"
  exit 0
fi
exec "$ocelot" "${args[@]}"
