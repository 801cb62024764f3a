#!/usr/bin/env bash
# Installs every Debian package that building and testing ocelot needs. Idempotent: apt-get
# update and install run only when a package is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git clang-format
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc libabsl-dev
  libyaml-cpp-dev libsimdjson-dev libboost-dev libspdlog-dev libfmt-dev
  zlib1g-dev libzstd-dev libcurl4-openssl-dev libre2-dev liblmdb-dev libnghttp2-dev
  libgtest-dev libgmock-dev libbenchmark-dev curl
  libgoogle-perftools-dev chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# A current ClickHouse for the tests (tests/testing/clickhouse): the npm package chdb ships
# libchdb.so, ClickHouse built as a library. Debian's clickhouse-server is years old.
# Installed outside the repo; skipped when the pinned version is already there.
chdb_version=3.4.0
chdb_prefix=${OCELOT_CHDB_PREFIX:-/opt/ocelot-deps/chdb}
chdb_lib="$chdb_prefix/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"
installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
  "$chdb_prefix/node_modules/chdb/package.json" 2>/dev/null | head -n1 || true)
if [ "$installed" = "$chdb_version" ] && [ -f "$chdb_lib" ]; then
  echo "install-deps: chdb $chdb_version present in $chdb_prefix"
else
  if ! command -v npm >/dev/null; then
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends npm
  fi
  echo "install-deps: installing chdb $chdb_version into $chdb_prefix"
  "${sudo_cmd[@]}" mkdir -p "$chdb_prefix"
  "${sudo_cmd[@]}" npm install --prefix "$chdb_prefix" --no-audit --no-fund --no-save \
    "chdb@$chdb_version"
fi
