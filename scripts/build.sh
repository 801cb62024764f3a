#!/usr/bin/env bash
# Configures (once) and builds ocelot into build/. Shared by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${OCELOT_BUILD_DIR:-build}
# ccache keyed on paths relative to the checkout, so every clone (CI's included) shares hits.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
jobs=${OCELOT_JOBS:-$(nproc)}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
fi
cmake --build "$build_dir" -j "$jobs"
