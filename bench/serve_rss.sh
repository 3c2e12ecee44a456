#!/usr/bin/env bash
# Base memory of an idle `astra serve` (issue 6: base <= 32 MB), read from /proc/<pid>/status.
#   idle:    no venue enabled: the process, its server and key store, no plugin instance;
#   sandbox: every venue against its in-process simulator (rate RATE_MS), books streaming only
#            as far as the gateway keeps them without clients; the simulators' own memory is in
#            the same process, so this is an upper bound for six connected venues.
# Each is sampled SETTLE seconds after /ready. usage: bench/serve_rss.sh  (env: SETTLE RATE_MS)
set -euo pipefail
cd "$(dirname "$0")/.."
SETTLE=${SETTLE:-5}
RATE_MS=${RATE_MS:-100}
[[ -x build/bin/astra ]] || { echo "build/bin/astra is missing: build the gateway target" >&2; exit 2; }

measure() {  # name enabled(true|false) sandbox-flag
  local work port pid
  work=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  {
    printf 'server:\n  listen: 127.0.0.1\n  port: %s\n  metrics_port: 0\n' "$port"
    printf 'state: %s/state.db\nlog_level: warn\n' "$work"
    printf 'sandbox:\n  enabled: %s\n  seed: 1\n  rate_ms: %s\nvenues:\n' "$3" "$RATE_MS"
    for v in binance coinbase okx huobi kucoin kraken; do printf '  %s: {enabled: %s}\n' "$v" "$2"; done
  } >"$work/astra.yaml"
  build/bin/astra serve --config "$work/astra.yaml" >"$work/out.log" 2>"$work/err.log" &
  pid=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/err.log" >&2; return 1; }
    sleep 0.2
  done
  sleep "$SETTLE"
  echo "$1: $(grep -E '^(VmRSS|VmHWM|RssAnon|RssFile|Threads)' /proc/$pid/status | tr -s ' \t' ' ' | paste -sd' ')"
  kill -INT "$pid"
  wait "$pid" || true
  rm -rf "$work"
}

measure idle false false
measure sandbox true true
