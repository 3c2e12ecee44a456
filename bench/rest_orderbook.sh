#!/usr/bin/env bash
# REST throughput of GET /orderbook (depth 20) from a live book while ingest runs (issue 6).
#
# Starts `astra serve --sandbox` on 127.0.0.1 (every venue against its in-process simulator, one
# tick every RATE_MS), reads the API key it prints, holds one WebSocket ORDERBOOK subscription on
# MARKET (so the market streams and /orderbook is answered from the in-memory book, not a REST
# snapshot), checks the book moves, then runs wrk: keep-alive, CONNECTIONS connections, THREADS
# threads, DURATION, and prints requests/s and p50/p90/p99/p99.9 latency. Stops everything after.
#
# usage: bench/rest_orderbook.sh [runs]      (env: MARKET RATE_MS CONNECTIONS THREADS DURATION)
#        PERF_OUT=file: also samples the gateway with `perf record -e cpu-clock -g` during run 1.
# needs: build/bin/astra and the plugins (cmake --build build --target gateway), wrk
#        (Debian: sudo apt-get install wrk), python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-3}
MARKET=${MARKET:-OKX-SPOT-BTC-USDT}
RATE_MS=${RATE_MS:-10}
CONNECTIONS=${CONNECTIONS:-100}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10s}

command -v wrk >/dev/null || { echo "wrk is missing: sudo apt-get install wrk" >&2; exit 2; }
[[ -x build/bin/astra ]] || { echo "build/bin/astra is missing: build the gateway target" >&2; exit 2; }

work=$(mktemp -d)
gateway_pid="" holder_pid=""
cleanup() {
  [[ -n $holder_pid ]] && kill "$holder_pid" 2>/dev/null || true
  if [[ -n $gateway_pid ]]; then
    kill -INT "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/astra.yaml" <<YAML
server:
  listen: 127.0.0.1
  port: $port
  metrics_port: 0
state: $work/state.db
log_level: warn
sandbox:
  enabled: true
  seed: 1
  rate_ms: $RATE_MS
venues:
  binance: {enabled: true}
  coinbase: {enabled: true}
  okx: {enabled: true}
  huobi: {enabled: true}
  kucoin: {enabled: true}
  kraken: {enabled: true}
YAML

build/bin/astra serve --sandbox --config "$work/astra.yaml" >"$work/out.log" 2>"$work/err.log" &
gateway_pid=$!

key=""
for _ in $(seq 100); do
  key=$(sed -n 's/^Created API key (shown once): //p' "$work/out.log")
  [[ -n $key ]] && curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
  kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/err.log" >&2; exit 1; }
  sleep 0.2
done
[[ -n $key ]] || { echo "no API key printed" >&2; cat "$work/err.log" >&2; exit 1; }

python3 bench/ws_hold.py 127.0.0.1 "$port" "$MARKET" "$key" >"$work/hold.log" 2>&1 &
holder_pid=$!
for _ in $(seq 100); do
  grep -q synced "$work/hold.log" && break
  kill -0 "$holder_pid" 2>/dev/null || { cat "$work/hold.log" >&2; exit 1; }
  sleep 0.1
done
grep -q synced "$work/hold.log" || { echo "the subscription never synced" >&2; exit 1; }

url="http://127.0.0.1:$port/orderbook?market=$MARKET&depth=20"
book() { curl -sf -H "x-astra-api-key: Bearer $key" "$url"; }
first=$(book | python3 -c 'import json,sys; print(json.load(sys.stdin)["updateId"])')
sleep 1
second=$(book | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["updateId"], len(d["bids"]), len(d["asks"]))')
echo "live book: updateId $first -> ${second%% *}, levels (bids asks) ${second#* }"
[[ $first != "${second%% *}" ]] || { echo "the book does not move: not live" >&2; exit 1; }

# CPU seconds (user + system) the gateway process has used so far: with the idle rate (ingest and
# the in-process simulators alone) it gives the gateway's CPU per request, which the machine's
# other load disturbs far less than wall-clock figures.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$gateway_pid/stat"; }
c0=$(cpu_s); sleep 3; idle_rate=$(awk -v a="$c0" -v b="$(cpu_s)" 'BEGIN {print (b - a) / 3}')
echo "gateway CPU without requests (ingest + simulators): $idle_rate CPU-s per s"

echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
for run in $(seq "$RUNS"); do
  echo "--- run $run: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ $run == 1 && -n ${PERF_OUT:-} ]]; then
    perf record -q -e cpu-clock -g -p "$gateway_pid" -o "$PERF_OUT" -- sleep "${DURATION%s}" &
    perf_pid=$!
  fi
  c0=$(cpu_s); t0=$(date +%s.%N)
  ASTRA_KEY=$key wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 5s \
    -s bench/rest_orderbook.lua "$url" | sed -n '/^requests /,$p' | tee "$work/wrk.txt"
  c1=$(cpu_s); t1=$(date +%s.%N)
  n=$(awk '/^requests / {print $2}' "$work/wrk.txt")
  awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v idle="$idle_rate" -v n="$n" 'BEGIN {
    used = c1 - c0; printf "gateway CPU %.2f s over %.2f s; per request (idle rate subtracted) %.1f us\n",
    used, t1 - t0, (used - idle * (t1 - t0)) / n * 1e6 }'
  [[ -n ${perf_pid:-} ]] && { wait "$perf_pid" || true; perf_pid=""; }
done
echo "gateway RSS after the runs: $(awk '/VmRSS/ {print $2, $3}' /proc/$gateway_pid/status)"
