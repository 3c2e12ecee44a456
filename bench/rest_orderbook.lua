-- wrk script for bench/rest_orderbook.sh: the API key header, and the latency percentiles and
-- error counts at the end (`status` counts answers >= 400) (wrk's latency figures are in microseconds).
local key = os.getenv("ASTRA_KEY") or ""
wrk.headers["x-astra-api-key"] = "Bearer " .. key

function done(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("requests %d in %.2f s: %.0f req/s\n", summary.requests, s,
                         summary.requests / s))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%-4s %.3f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max   %.3f ms\n", latency.max / 1000))
  local e = summary.errors
  io.write(string.format("errors connect %d read %d write %d timeout %d status %d\n",
                         e.connect, e.read, e.write, e.timeout, e.status))
end
