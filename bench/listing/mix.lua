-- wrk script: each request picks a random "host path" line from the file named by BENCH_URLS;
-- done() prints one JSON line with the figures run.ts reads.
local entries = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  local host, path = line:match("^(%S+) (%S+)$")
  if host then entries[#entries + 1] = { host, path } end
end
local n = #entries
local seeded = false

request = function()
  if not seeded then
    math.randomseed(os.time() + math.floor(os.clock() * 1e6) + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
    seeded = true
  end
  local e = entries[math.random(n)]
  return wrk.format("GET", e[2], { Host = e[1] })
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"errors":%d,"non2xx":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
