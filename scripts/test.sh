#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test with CTest, printing CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd "${OCELOT_BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" --timeout 300
