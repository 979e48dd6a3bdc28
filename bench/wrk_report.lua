-- wrk's report for bench/pages.py, on one line: requests, microseconds, p95 latency in
-- microseconds, non-2xx/3xx answers, socket errors (connect, read, write, timeout).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(95), e.status, e.connect + e.read + e.write + e.timeout))
end
