#!/usr/bin/env bash
# The end-to-end load scenarios (docs/BENCHMARKS.md, "End-to-end load"): builds the gateway, the
# Binance plugin and the harness (RelWithDebInfo), then runs every scenario once with bounded
# durations (3-5 minutes in all, depending on the machine's load; a hard limit of 10). Extra arguments go to astra-loadgen,
# e.g. `bench/run_loadgen.sh --repeat 3` or `bench/run_loadgen.sh --seconds 5`.
#   BUILD_DIR=...  build folder (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" > /dev/null
cmake --build "$build" -j2 --target astra binance astra-loadgen
echo "build: $(grep CMAKE_BUILD_TYPE:STRING "$build/CMakeCache.txt" | cut -d= -f2), $(git -C "$root" rev-parse --short HEAD)"
echo "uptime: $(uptime)"
args=(--scenario all)
for a in "$@"; do
  if [[ "$a" == "--scenario" ]]; then args=(); fi
done
timeout 600 "$build/bin/astra-loadgen" "${args[@]}" "$@"
