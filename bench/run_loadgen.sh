#!/usr/bin/env bash
# The end-to-end load scenarios (docs/BENCHMARKS.md, "End-to-end load"): builds the gateway, the
# Binance plugin and the harness (RelWithDebInfo), then runs every scenario once with bounded
# durations (3-5 minutes in all, depending on the machine's load), then the peer baseline (ccxt
# pro, 3 interleaved rounds at 3 rates: about 5 more minutes); a hard limit of 15 minutes. Extra
# arguments go to astra-loadgen, e.g. `bench/run_loadgen.sh --repeat 3`,
# `bench/run_loadgen.sh --seconds 5` or `bench/run_loadgen.sh --scenario peer`.
#   BUILD_DIR=...  build folder (default: build)
# The peer scenario needs node and npm: ccxt@4.5.84 is installed once per run into a temporary
# folder (removed at exit); without npm, or when the install fails, the peer prints
# "skipped: <reason>" and the other scenarios still run.
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
scenario=all
prev=
for a in "$@"; do
  if [[ "$a" == "--scenario" ]]; then args=(); fi
  if [[ "$prev" == "--scenario" ]]; then scenario=$a; fi
  prev=$a
done
peer=()
if [[ "$scenario" == "all" || "$scenario" == "peer" ]]; then
  if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
    echo "peer: skipped: node or npm is not installed"
  else
    ccxt_dir=$(mktemp -d)
    trap 'rm -rf "$ccxt_dir"' EXIT
    if timeout 300 npm install --no-audit --no-fund --prefix "$ccxt_dir" ccxt@4.5.84 \
        > "$ccxt_dir/npm.log" 2>&1; then
      echo "peer: ccxt@4.5.84 installed, node $(node --version)"
      peer=(--ccxt-dir "$ccxt_dir" --peer-script "$root/bench/peer/ccxt_watch_orderbook.js")
    else
      echo "peer: skipped: npm install ccxt@4.5.84 failed: $(tail -n 3 "$ccxt_dir/npm.log" | tr '\n' ' ')"
    fi
  fi
fi
timeout 900 "$build/bin/astra-loadgen" "${args[@]}" "${peer[@]}" "$@"
