#!/usr/bin/env bash
# Installs dependencies, builds, and runs the collector in the foreground on its default
# profile (OTLP gRPC localhost:4317 and HTTP localhost:4318 into files under
# $HOME/.ocelot/data). Extra arguments go to ocelot (e.g. --config FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/ocelot "$@"
