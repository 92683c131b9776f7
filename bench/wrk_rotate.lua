-- wrk script for bench/run.py: every request is the next line of a tab-separated file
-- (METHOD, path, bearer token or empty, JSON body or empty), each thread starting at its own offset,
-- so connections rotate over people, tenants and ids. done() prints one JSON line for run.py.
--     wrk -t2 -c32 -d10s -s bench/wrk_rotate.lua http://127.0.0.1:8000 -- requests.tsv

local threads = {}
local counter = 0
local requests = {}

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

function init(args)
   for line in io.lines(args[1]) do
      local method, path, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if token ~= "" then
         headers["Authorization"] = "Bearer " .. token
      end
      if body == "" then
         body = nil
      else
         headers["Content-Type"] = "application/json"
      end
      requests[#requests + 1] = wrk.format(method, path, headers, body)
   end
   counter = (thread_index or 0) * 7
end

function request()
   counter = counter + 1
   return requests[(counter % #requests) + 1]
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, '
         .. '"write_errors": %d, "non_2xx_3xx": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, '
         .. '"p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
