-- wrk script for bench/rate-limit (saturated-load phase): every request comes through a load balancer
-- (X-Forwarded-Host: bench.localhost) from one of BENCH_CLIENTS addresses in turn (X-Forwarded-For), and
-- the summary is printed in one line run.ts reads.
local clients = tonumber(os.getenv("BENCH_CLIENTS") or "5000")
local n = 0

request = function()
  n = (n + 1) % clients
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format("GET", nil, { ["X-Forwarded-Host"] = "bench.localhost", ["X-Forwarded-For"] = ip })
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d non2xx %d socket %d\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end
