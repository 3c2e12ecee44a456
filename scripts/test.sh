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
set +e
ctest --output-on-failure --no-tests=error --repeat until-pass:2 -j"$(nproc)" "$@" 2>&1 |
  tee ctest-output.log
status=${PIPESTATUS[0]}
set -e
# ctest shows the output of failing tests only; the reliability tests (tests/e2e: stall, frame loss,
# reconnect) print one line of figures per venue, kept in ctest's log of every test's output.
figures=$(awk '/^(binance|coinbase|huobi|kraken|kucoin|okx): / { print; more = 1; next }
               more && /^  / { print; next } { more = 0 }' Testing/Temporary/LastTest.log)
if [ -n "$figures" ]; then
  printf '\nReliability figures (from build/Testing/Temporary/LastTest.log):\n%s\n\n' "$figures"
  grep -a -E '^[0-9]+% tests passed|^Total Test time' ctest-output.log || true  # the summary again
fi
exit "$status"
