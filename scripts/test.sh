#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest). Real venue data is read from
# $ASTRA_SHARED or ../shared; suites that need it skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
cd build
# A failing test is run once more and the first failure stays in the log: the end-to-end tests
# run real processes on a shared 2-core machine, and one rare flake is still being chased (see
# the session note). A test that fails twice fails the run.
ctest --output-on-failure --no-tests=error --repeat until-pass:2 -j"$(nproc)" "$@"
