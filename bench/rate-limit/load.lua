-- wrk script for bench/rate-limit (under load): with BENCH_FORWARDED=1 (the default) every request comes
-- through a load balancer (X-Forwarded-Host: bench.localhost) from one of BENCH_CLIENTS addresses in turn
-- (X-Forwarded-For); with BENCH_FORWARDED=0 it comes straight from wrk (Host: bench.localhost, the socket's
-- address). The summary is printed in one line load-phase.ts reads.
local clients = tonumber(os.getenv("BENCH_CLIENTS") or "5000")
local forwarded = os.getenv("BENCH_FORWARDED") ~= "0"
local n = 0

request = function()
  if not forwarded then
    return wrk.format("GET", nil, { Host = "bench.localhost" })
  end
  n = (n + 1) % clients
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format("GET", nil, { ["X-Forwarded-Host"] = "bench.localhost", ["X-Forwarded-For"] = ip })
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d non2xx %d socket %d\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end
