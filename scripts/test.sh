#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest). Real venue data is read from
# $ASTRA_SHARED or ../shared; suites that need it skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
cd build
ctest --output-on-failure --no-tests=error -j"$(nproc)" "$@"
