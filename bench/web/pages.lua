-- wrk script for the console: GET the queue page or random case pages with
-- a session cookie; prints latency percentiles in milliseconds at the end.
--   env: CS_COOKIE (cs_session=...), CS_MODE (queue|case), CS_CASES (highest case id)
local cookie = os.getenv("CS_COOKIE")
local mode = os.getenv("CS_MODE") or "queue"
local cases = tonumber(os.getenv("CS_CASES") or "1")
wrk.headers["Cookie"] = cookie

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  if mode == "case" then
    return wrk.format("GET", "/cases/" .. math.random(1, cases))
  end
  return wrk.format("GET", "/cases")
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d p50=%.1f p95=%.1f p99=%.1f max=%.1f rps=%.1f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests / (summary.duration / 1e6)))
end
