#!/usr/bin/env bash
# Installs what is missing, builds, and starts the gateway with config/astra.yaml (or $1; further
# arguments go to `astra serve`, e.g. --sandbox).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh gateway
exec build/bin/astra serve --config "${1:-config/astra.yaml}" "${@:2}"
