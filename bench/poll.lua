-- wrk script for the no-change poll: every request carries the next key of KEYS_FILE (one a line)
-- in header NAME, after PREFIX, so the connections poll as that many different agents or bouncers.
--
--   wrk -t 2 -c 50 -d 10s -s bench/poll.lua URL -- KEYS_FILE NAME [PREFIX]
--
-- done() prints one machine-readable line:
--   RESULT requests=N seconds=S rps=R bytes_per_request=B non2xx=E errors=E p50_ms=.. p99_ms=..

local keys = {}
local header, prefix
local next_key = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then keys[#keys + 1] = line end
  end
  header = args[2]
  prefix = args[3] or ""
  -- each wrk thread is its own Lua state: start the threads at different keys
  next_key = math.random(#keys)
end

function request()
  next_key = next_key % #keys + 1
  return wrk.format(nil, nil, { [header] = prefix .. keys[next_key] })
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f bytes_per_request=%.0f non2xx=%d errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, seconds, summary.requests / seconds, summary.bytes / math.max(1, summary.requests),
    e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
