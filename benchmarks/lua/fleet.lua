-- wrk script for benchmarks/fleet.sh: GET /hello with one of USERS distinct tokens per request, round-robin from a
-- per-host offset (wrk's first script argument) so the two hosts do not walk the tokens in step. The tokens are the
-- load host's FleetToken(i) (benchmarks/TokenValidation.LoadHost/Program.cs): mat_fleet_0000_01JD8Y2W6Q3K7R9T4V5X8Z0A1B.
local requests = {}
local count = 0
local next_index = 0

function init(args)
  count = tonumber(os.getenv("FLEET_USERS") or "1000")
  next_index = tonumber(args[1] or "0") % count
  for i = 0, count - 1 do
    local token = string.format("mat_fleet_%04d_01JD8Y2W6Q3K7R9T4V5X8Z0A1B", i)
    requests[i] = wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token })
  end
end

function request()
  local r = requests[next_index]
  next_index = (next_index + 1) % count
  return r
end
