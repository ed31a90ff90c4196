#!/usr/bin/env bash
# A fleet sharing Redis makes one upstream call per token per cache lifetime, refresh ahead included (CONTRACT.md §10).
#
# One counting AuthKit stand-in in its own process (TokenValidation.LoadHost --mode standin, USERS tokens
# mat_fleet_0000_… to mat_fleet_0999_…), one redis-server on a free loopback port (no persistence), and two load hosts
# (--mode mcpbearer) pointed at both: level 2 through AddStackExchangeRedisCache, Cache:Lifetime short, refresh ahead
# at its default (the last 20% of the lifetime). Two wrk processes (-t1 -cC each, benchmarks/lua/fleet.lua: the tokens
# round-robin, the second host starting half-way through the list) drive both hosts at once for the whole duration.
# At the end the stand-in's userinfo calls, per token too, are compared with the bounds:
#   contract:  tokens × (ceil(duration / lifetime) + 1)    one call per token per lifetime, plus the first fill
#   cadence:   tokens × (ceil(duration / period) + 1)      period = lifetime × (1 - 0.2): refresh ahead renews an entry
#              at 80% of its life, so one host alone makes ceil(duration / period) calls per token; +1 allows both
#              hosts to fill a token at the same moment at the start (level 2 still empty for both)
# The run fails (exit 1) on any non-2xx answer or socket error, or when the calls exceed the cadence bound (the
# fleet then asks AuthKit more often than one host would). The contract bound's verdict is reported alongside.
#
# Level-2 failures the hosts logged (reads or writes over Cache:DistributedCacheTimeout, 250 ms by default, and the
# 30 s pauses after three in a row) are counted in the report: each sends that host to AuthKit on its own, so on a
# starved machine they, not the cache's logic, explain calls above the bound. --l2-timeout raises the timeout.
#
# Usage: benchmarks/fleet.sh [--quick] [--duration S] [--lifetime S] [--users N] [--connections C] [--l2-timeout MS]
#   defaults: --duration 120 --lifetime 20 --users 1000 --connections 16 --l2-timeout 250 (the product's default)
#   --quick:  --duration 30 (a smoke run: its figures are not for comparison)
# Writes benchmarks/artifacts/fleet.md, the raw wrk output (fleet.wrk.txt) and each process's log (fleet.*.log).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
duration=120 lifetime=20 users=1000 connections=16 l2_timeout=250
refresh_ahead=0.2   # TokenCacheOptions.RefreshAheadRatio's default: the hosts leave it alone
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) duration=30; shift ;;
    --duration) duration="$2"; shift 2 ;;
    --lifetime) lifetime="$2"; shift 2 ;;
    --users) users="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --l2-timeout) l2_timeout="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

for tool in wrk curl redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: apt-get update && apt-get install -y wrk curl redis-server (or run benchmarks/run.sh)" >&2; exit 1; }
done

out="$here/artifacts"
mkdir -p "$out"
raw="$out/fleet.wrk.txt" report="$out/fleet.md"
: >"$raw"

echo "== building the load host (Release)"
dotnet build "$here/TokenValidation.LoadHost/TokenValidation.LoadHost.csproj" -c Release -nologo -v quiet >/dev/null
dll="$here/TokenValidation.LoadHost/bin/Release/net10.0/TokenValidation.LoadHost.dll"

pids=()
redis_dir=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  [[ -z "$redis_dir" ]] || rm -rf "$redis_dir"
}
trap cleanup EXIT

# Starts the load host with the given arguments, logging to $1; sets $listening to its LISTENING line. Not called in
# $(…): the pid must reach this shell's list for the clean-up.
listening=""
start_host() {
  local log="$1" pid
  shift
  listening=""
  # Emptied here, not by the child's redirection, so the loop never reads a previous run's LISTENING line.
  : >"$log"
  dotnet "$dll" "$@" >>"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 300); do
    listening="$(grep -m1 '^LISTENING' "$log" || true)"
    [[ -n "$listening" ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  [[ -n "$listening" ]] || { echo "the host ($*) did not start" >&2; cat "$log" >&2; exit 1; }
}

field() { sed -E "s/.* $1=([^ ]+).*/\\1/" <<<"$2"; }
status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
token_of() { printf 'mat_fleet_%04d_01JD8Y2W6Q3K7R9T4V5X8Z0A1B' "$1"; }   # the load host's FleetToken(i)

echo "== redis-server on a free loopback port (no persistence)"
redis_dir="$(mktemp -d)"
redis_port=""
for _ in $(seq 1 20); do
  port=$((20000 + RANDOM % 40000))
  # Nothing may listen there yet.
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" >"$out/fleet.redis.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 50); do
    [[ "$(redis-cli -p "$port" ping 2>/dev/null || true)" == PONG ]] && { redis_port="$port"; break; }
    sleep 0.1
  done
  [[ -n "$redis_port" ]] && break
done
[[ -n "$redis_port" ]] || { echo "redis-server did not start" >&2; cat "$out/fleet.redis.log" >&2; exit 1; }

echo "== the counting AuthKit stand-in ($users tokens)"
start_host "$out/fleet.standin.log" --mode standin --users "$users"
authority="$(field authority "$listening")" stats="$(field stats "$listening")"

echo "== two load hosts (Cache:Lifetime ${lifetime}s, level 2 on 127.0.0.1:$redis_port)"
host_args=(--mode mcpbearer --authkit "$authority" --redis "127.0.0.1:$redis_port" --lifetime "$lifetime" --l2-timeout "$l2_timeout")
start_host "$out/fleet.host-a.log" "${host_args[@]}"
host_a="$(field auth "$listening")/hello"
start_host "$out/fleet.host-b.log" "${host_args[@]}"
host_b="$(field auth "$listening")/hello"

# Before anything is measured: a token is accepted by host A (one userinfo call), then by host B from level 2 (none),
# and a request without a token is refused.
first="$(token_of 0)"
[[ "$(status_of -H "Authorization: Bearer $first" "$host_a")" == 200 ]] || { echo "host A did not accept a fleet token" >&2; exit 1; }
[[ "$(status_of -H "Authorization: Bearer $first" "$host_b")" == 200 ]] || { echo "host B did not accept a fleet token" >&2; exit 1; }
[[ "$(status_of "$host_a")" == 401 ]] || { echo "host A without a token is not 401" >&2; exit 1; }
shared="$(curl -s "$stats/stats" | sed -E 's/.*"userInfoCalls":([0-9]+).*/\1/')"
[[ "$shared" == 1 ]] || { echo "host B did not take the token from level 2: $shared userinfo calls after one token on two hosts" >&2; exit 1; }

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== wrk against both hosts for ${duration}s (-t1 -c$connections each; load average $load_before)"
started=$SECONDS
FLEET_USERS="$users" wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$here/lua/fleet.lua" "$host_a" -- 0 >"$out/fleet.wrk-a.tmp" &
wrk_a=$!
FLEET_USERS="$users" wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$here/lua/fleet.lua" "$host_b" -- $((users / 2)) >"$out/fleet.wrk-b.tmp" &
wrk_b=$!
wait "$wrk_a" "$wrk_b"
elapsed=$((SECONDS - started))
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
# A refresh started by the last requests may still be on its way to the stand-in.
sleep 2
{
  printf '### host A %s (%ss)\n' "$host_a" "$duration"; cat "$out/fleet.wrk-a.tmp"; echo
  printf '### host B %s (%ss)\n' "$host_b" "$duration"; cat "$out/fleet.wrk-b.tmp"; echo
} >>"$raw"
rm -f "$out/fleet.wrk-a.tmp" "$out/fleet.wrk-b.tmp"

stats_json="$(curl -s "$stats/stats")"
counts="$(curl -s "$stats/counts")"
total="$(sed -E 's/.*"userInfoCalls":([0-9]+).*/\1/' <<<"$stats_json")"
metadata="$(sed -E 's/.*"metadataCalls":([0-9]+).*/\1/' <<<"$stats_json")"
l2_keys="$(redis-cli -p "$redis_port" dbsize)"
# The level-2 warnings of DistributedTokenCache: a read or write that failed (timed out), and a pause after three in a row.
l2_failed_of() { grep -c 'Distributed cache .* failed; ' "$1" || true; }
l2_paused_of() { grep -c 'Distributed cache failed .* times in a row; skipping' "$1" || true; }
l2_failed=$(($(l2_failed_of "$out/fleet.host-a.log") + $(l2_failed_of "$out/fleet.host-b.log")))
l2_paused=$(($(l2_paused_of "$out/fleet.host-a.log") + $(l2_paused_of "$out/fleet.host-b.log")))

requests_of() { awk '/requests in/ { print $1 }' <<<"$1"; }
non2xx_of() { awk '/Non-2xx/ { n += $NF } END { print n + 0 }' <<<"$1"; }
socket_of() { grep -c 'Socket errors' <<<"$1" || true; }
wrk_a_out="$(awk '/^### host A/ { on = 1; next } /^### host B/ { on = 0 } on' "$raw")"
wrk_b_out="$(awk '/^### host B/ { on = 1; next } on' "$raw")"
req_a="$(requests_of "$wrk_a_out")" req_b="$(requests_of "$wrk_b_out")"
non2xx=$(($(non2xx_of "$wrk_a_out") + $(non2xx_of "$wrk_b_out")))
socket=$(($(socket_of "$wrk_a_out") + $(socket_of "$wrk_b_out")))
rps_a="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$wrk_a_out")" rps_b="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$wrk_b_out")"

read -r per_lifetime period per_period <<<"$(awk -v d="$duration" -v l="$lifetime" -v r="$refresh_ahead" 'function ceil(x) { return (x == int(x)) ? x : int(x) + 1 }
  BEGIN { p = l * (1 - r); printf "%d %g %d\n", ceil(d / l), p, ceil(d / p) }')"
contract_bound=$((users * (per_lifetime + 1)))
cadence_bound=$((users * (per_period + 1)))
single_host=$((users * per_period))
# Per token: min, median, max, and how many tokens made each number of calls.
read -r min median max <<<"$(awk '{ print $2 }' <<<"$counts" | sort -n | awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)], v[NR] }')"
# Calls less than 2 s after the same token's previous call: two hosts filling or refreshing it at once.
duplicates="$(awk '{ f += $3; r += $4 } END { printf "%d at the first fill, %d at refreshes", f, r }' <<<"$counts")"
distribution="$(awk '{ print $2 }' <<<"$counts" | sort -n | uniq -c | awk '{ printf "%s%d calls: %d tokens", (NR > 1 ? "; " : ""), $2, $1 }')"
verdict() { (($1 <= $2)) && echo met || echo EXCEEDED; }

{
  echo "### Fleet: two load hosts sharing one redis-server"
  echo
  echo "\`benchmarks/fleet.sh --duration $duration --lifetime $lifetime --users $users --connections $connections --l2-timeout $l2_timeout\`: two LoadHost processes (McpBearer, GET /hello, level 2 through"
  echo "AddStackExchangeRedisCache on one redis-server $(redis-server --version | awk '{ print $3 }' | sed 's/v=//')), one counting AuthKit stand-in process, two wrk -t1 -c$connections (one per host, the $users tokens"
  echo "round-robin) for ${duration}s at once (${elapsed}s wall); load average before $load_before, after $load_after."
  echo
  echo "| | value |"
  echo "|---|---:|"
  echo "| distinct tokens | $users |"
  echo "| Cache:Lifetime / refresh ahead | ${lifetime} s / last $(awk -v r="$refresh_ahead" 'BEGIN { printf "%d%%", r * 100 }') (an entry is renewed every ~${period} s while in use) |"
  echo "| requests served: host A / host B | $req_a ($rps_a req/s) / $req_b ($rps_b req/s) |"
  echo "| non-2xx answers, socket errors | $non2xx, $socket |"
  echo "| userinfo calls, whole fleet (incl. 1 for the pre-run check) | **$total** |"
  echo "| userinfo calls per token: min / median / max | $min / $median / $max |"
  echo "| distribution | $distribution |"
  echo "| calls < 2 s after the token's previous call (two hosts at once) | $duplicates |"
  echo "| one host alone would make: tokens × ceil(${duration} / ${period}) | $single_host |"
  echo "| cadence bound: tokens × (ceil(${duration} / ${period}) + 1) | $cadence_bound: **$(verdict "$total" "$cadence_bound")** |"
  echo "| contract bound: tokens × (ceil(${duration} / ${lifetime}) + 1) | $contract_bound: **$(verdict "$total" "$contract_bound")** |"
  echo "| level-2 warnings the hosts logged (timeout ${l2_timeout} ms): operation failed / paused for 30 s | $l2_failed / $l2_paused |"
  echo "| metadata calls / level-2 keys at the end | $metadata / $l2_keys |"
} >"$report"
echo
cat "$report"
echo

status=0
if [[ -z "$req_a" || -z "$req_b" ]]; then
  echo "a wrk run reported nothing (see $raw)" >&2
  status=1
fi
if ((non2xx > 0 || socket > 0)); then
  echo "wrk reported non-2xx answers or socket errors (see $raw)" >&2
  status=1
fi
if ((total > cadence_bound)); then
  echo "the fleet made $total userinfo calls, above the cadence bound $cadence_bound" >&2
  status=1
fi
exit "$status"
