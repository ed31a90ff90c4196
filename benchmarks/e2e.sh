#!/usr/bin/env bash
# End-to-end overhead of bearer validation through Kestrel (CONTRACT.md §10, last bullet).
#
# One process (benchmarks/TokenValidation.LoadHost) serves the same handler from two web applications on two loopback
# ports: one with bearer authentication (the token is validated once through the AuthKit stand-in, then every request
# is an L1 hit), one with no authentication at all. wrk drives each with the same request bytes (the Authorization
# header is sent to both), alternating the two (order ABBA round by round) so drift in machine load hits both alike.
#
# Usage: benchmarks/e2e.sh [--quick] [--mode mcpbearer|scheme|middleware|peers|mcp|all] [--rounds N] [--duration S] [--warmup S]
#                          [--connections C] [--threads T]
#   defaults: --mode all --rounds 6 --duration 10 --warmup 10 --connections 32 --threads 1
#   modes (see TokenValidation.LoadHost/Program.cs): mcpbearer = the product's AddMcpBearer scheme (the §10 figure);
#   scheme = a bare AuthenticationHandler over the core; middleware = the core alone in a tiny middleware;
#   peers = anonymous, McpBearer and JwtBearer (RS256 key in memory, same endpoint and scope policy) in one run, the
#   three endpoints in a rotating order each round (not part of "all": run it on its own);
#   mcp = the real MCP endpoint: both applications serve the official MCP server (stateless) at POST /mcp, auth with
#   McpBearer and RequireScopes("mcp:tools"), anon with no authentication; wrk sends a JSON-RPC tools/call of a trivial
#   tool (benchmarks/lua/mcp-tools-call.lua); target ≥ 0.95 (not part of "all": run it on its own).
#   --quick:  --rounds 2 --duration 3 --warmup 5 (a smoke run: its ratios are not for comparison)
# Writes benchmarks/artifacts/e2e-<mode>.md (and the raw wrk output next to it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rounds=6 duration=10 warmup=10 connections=32 threads=1 modes="mcpbearer scheme middleware"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) rounds=2 duration=3 warmup=5; shift ;;
    --mode) [[ "$2" == all ]] && modes="mcpbearer scheme middleware" || modes="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get update && apt-get install -y wrk (or run benchmarks/run.sh)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed: apt-get install -y curl" >&2; exit 1; }

TOKEN="mat_01JD8Y2W6Q3K7R9T4V5X8Z0A1B2C3D4E5F6G7H8J9K0M"   # the token the LoadHost registers with its stand-in
out="$here/artifacts"
mkdir -p "$out"

echo "== building the load host (Release)"
dotnet build "$here/TokenValidation.LoadHost/TokenValidation.LoadHost.csproj" -c Release -nologo -v quiet >/dev/null
dll="$here/TokenValidation.LoadHost/bin/Release/net10.0/TokenValidation.LoadHost.dll"

host_pid=""
stop_host() {
  if [[ -n "$host_pid" ]] && kill -0 "$host_pid" 2>/dev/null; then
    kill "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
  fi
  host_pid=""
}
trap stop_host EXIT

# wrk against $1 for $2 seconds; prints requests/s. Any non-2xx answer or socket error fails the run.
run_wrk() {
  local url="$1" seconds="$2" token="${3:-$TOKEN}" result
  result="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "${wrk_script[@]}" -H "Authorization: Bearer $token" "$url")"
  printf '### %s (%ss)\n%s\n\n' "$url" "$seconds" "$result" >>"$raw"
  if grep -qE "Non-2xx|Socket errors" <<<"$result"; then
    echo "wrk reported errors for $url:" >&2
    echo "$result" >&2
    exit 1
  fi
  awk '/^Requests\/sec:/ { print $2 }' <<<"$result"
}

status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# The request wrk sends in mode mcp, for curl: the body and headers of benchmarks/lua/mcp-tools-call.lua.
mcp_body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{}}}'
mcp_call() {
  curl -s -X POST -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-11-25' -d "$mcp_body" "$@"
}

for mode in $modes; do
  log="$out/e2e-$mode.host.log"
  raw="$out/e2e-$mode.wrk.txt"
  report="$out/e2e-$mode.md"
  : >"$raw"
  echo "== mode $mode: starting the host"
  # Empty the log here, not in the child's redirection: the child truncates it asynchronously, and the loop below
  # must never read a previous run's LISTENING line.
  : >"$log"
  dotnet "$dll" --mode "$mode" >>"$log" 2>&1 &
  host_pid=$!
  listening=""
  for _ in $(seq 1 300); do
    listening="$(grep -m1 '^LISTENING' "$log" || true)"
    [[ -n "$listening" ]] && break
    kill -0 "$host_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  [[ -n "$listening" ]] || { echo "the host did not start" >&2; cat "$log" >&2; exit 1; }
  auth_base="$(sed -E 's/.* auth=([^ ]+).*/\1/' <<<"$listening")"
  anon_base="$(sed -E 's/.* anon=([^ ]+).*/\1/' <<<"$listening")"
  auth="$auth_base/hello" anon="$anon_base/hello" wrk_script=() target=0.90 endpoint="the 94-byte endpoint"

  # The endpoints do what they claim before anything is measured.
  [[ "$(status_of -H "Authorization: Bearer $TOKEN" "$auth")" == 200 ]] || { echo "/hello with authentication and the token is not 200" >&2; exit 1; }
  [[ "$(status_of "$auth")" == 401 ]] || { echo "/hello with authentication and no token is not 401" >&2; exit 1; }
  [[ "$(status_of -H "Authorization: Bearer mat_unknownunknownunknown" "$auth")" == 401 ]] || { echo "/hello with authentication and an unknown token is not 401" >&2; exit 1; }
  [[ "$(status_of "$anon")" == 200 ]] || { echo "/hello without authentication is not 200" >&2; exit 1; }

  if [[ "$mode" == mcp ]]; then
    auth="$auth_base/mcp" anon="$anon_base/mcp" wrk_script=(-s "$here/lua/mcp-tools-call.lua") target=0.95
    endpoint="POST /mcp, a JSON-RPC tools/call of a trivial tool (the SDK answers text/event-stream: 2.4.0 has no JSON response option)"
    # Both answer 200 with the tool's result; without a token, or with an unknown one, the MCP endpoint is 401.
    for url in "$auth" "$anon"; do
      answer="$(mcp_call -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" "$url")"
      [[ "$(tail -n1 <<<"$answer")" == 200 && "$answer" == *'"text":"hello"'* ]] || { echo "tools/call at $url did not answer 200 with the tool's result:" >&2; echo "$answer" >&2; exit 1; }
    done
    [[ "$(mcp_call -o /dev/null -w '%{http_code}' "$auth")" == 401 ]] || { echo "/mcp with authentication and no token is not 401" >&2; exit 1; }
    [[ "$(mcp_call -o /dev/null -w '%{http_code}' -H "Authorization: Bearer mat_unknownunknownunknown" "$auth")" == 401 ]] || { echo "/mcp with authentication and an unknown token is not 401" >&2; exit 1; }
  fi

  if [[ "$mode" == peers ]]; then
    jwt_base="$(sed -E 's/.* jwt=([^ ]+).*/\1/' <<<"$listening")"
    jwt_token="$(sed -E 's/.* jwttoken=([^ ]+).*/\1/' <<<"$listening")"
    jwt="$jwt_base/hello"
    [[ "$(status_of -H "Authorization: Bearer $jwt_token" "$jwt")" == 200 ]] || { echo "/hello with JwtBearer and its token is not 200" >&2; exit 1; }
    [[ "$(status_of "$jwt")" == 401 ]] || { echo "/hello with JwtBearer and no token is not 401" >&2; exit 1; }
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "== mode peers: warm-up ${warmup}s each (load average $load_before)"
    run_wrk "$auth" "$warmup" >/dev/null
    run_wrk "$jwt" "$warmup" "$jwt_token" >/dev/null
    run_wrk "$anon" "$warmup" >/dev/null
    mcp_rps=() jwt_rps=() anon_rps=()
    for ((r = 1; r <= rounds; r++)); do
      # Each round starts with the next of the three, so each endpoint is measured first, second and third in turn.
      for k in 0 1 2; do
        case $(((r + k) % 3)) in
          0) mcp_rps[r]="$(run_wrk "$auth" "$duration")" ;;
          1) jwt_rps[r]="$(run_wrk "$jwt" "$duration" "$jwt_token")" ;;
          2) anon_rps[r]="$(run_wrk "$anon" "$duration")" ;;
        esac
      done
      echo "   round $r: McpBearer ${mcp_rps[r]} req/s, JwtBearer ${jwt_rps[r]} req/s, anonymous ${anon_rps[r]} req/s"
    done
    load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
    stop_host
    {
      echo "### End-to-end, mode \`peers\`"
      echo
      echo "wrk -t$threads -c$connections, ${rounds} rounds × ${duration}s per endpoint after ${warmup}s warm-up each, the order rotating each round;"
      echo "load average before $load_before, after $load_after. Same 94-byte endpoint; McpBearer (L1 hit, RequireScopes(\"mcp:tools\")) and JwtBearer (RS256 in memory, a policy requiring the scope)."
      echo
      echo "| round | McpBearer req/s | JwtBearer req/s | anonymous req/s | McpBearer / JwtBearer | McpBearer / anonymous |"
      echo "|---:|---:|---:|---:|---:|---:|"
      for ((r = 1; r <= rounds; r++)); do
        awk -v r="$r" -v m="${mcp_rps[r]}" -v j="${jwt_rps[r]}" -v n="${anon_rps[r]}" 'BEGIN { printf "| %d | %.0f | %.0f | %.0f | %.3f | %.3f |\n", r, m, j, n, m / j, m / n }'
      done
      printf '%s\n' "${mcp_rps[@]}" | paste - <(printf '%s\n' "${jwt_rps[@]}") <(printf '%s\n' "${anon_rps[@]}") | awk '
        { m += $1; j += $2; n += $3; k++ }
        END {
          printf "| **mean** | **%.0f** | **%.0f** | **%.0f** | **%.3f** | **%.3f** |\n\n", m / k, j / k, n / k, m / j, m / n
          printf "McpBearer / JwtBearer throughput: **%.3f** (target ≥ 1.5: **%s**); McpBearer / anonymous: **%.3f**.\n", m / j, (m / j >= 1.5) ? "met" : "MISSED", m / n
        }'
    } >"$report"
    echo
    cat "$report"
    echo
    continue
  fi

  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== mode $mode: warm-up ${warmup}s each (load average $load_before)"
  run_wrk "$auth" "$warmup" >/dev/null
  run_wrk "$anon" "$warmup" >/dev/null

  auth_rps=() anon_rps=()
  for ((r = 1; r <= rounds; r++)); do
    if ((r % 2 == 1)); then
      a="$(run_wrk "$auth" "$duration")"; n="$(run_wrk "$anon" "$duration")"
    else
      n="$(run_wrk "$anon" "$duration")"; a="$(run_wrk "$auth" "$duration")"
    fi
    auth_rps+=("$a") anon_rps+=("$n")
    echo "   round $r: auth $a req/s, anon $n req/s"
  done
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

  stats="$(curl -s "$anon_base/stats")"
  calls="$(sed -E 's/.*"userInfoCalls":([0-9]+).*/\1/' <<<"$stats")"
  stop_host

  {
    echo "### End-to-end, mode \`$mode\`"
    echo
    echo "wrk -t$threads -c$connections, ${rounds} rounds × ${duration}s per endpoint after ${warmup}s warm-up each;"
    echo "load average before $load_before, after $load_after; $endpoint."
    echo "userinfo calls during the whole run: $calls (2 expected: the token once, and the unknown token of the pre-run check once; every measured authenticated request was an L1 hit)."
    echo
    echo "| round | authenticated req/s | anonymous req/s | ratio |"
    echo "|---:|---:|---:|---:|"
    for ((i = 0; i < rounds; i++)); do
      awk -v r=$((i + 1)) -v a="${auth_rps[$i]}" -v n="${anon_rps[$i]}" 'BEGIN { printf "| %d | %.0f | %.0f | %.3f |\n", r, a, n, a / n }'
    done
    ratios="$(for ((i = 0; i < rounds; i++)); do awk -v a="${auth_rps[$i]}" -v n="${anon_rps[$i]}" 'BEGIN { printf "%.6f\n", a / n }'; done | sort -g)"
    median="$(awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }' <<<"$ratios")"
    lowest="$(head -n1 <<<"$ratios")" highest="$(tail -n1 <<<"$ratios")"
    printf '%s\n' "${auth_rps[@]}" | paste - <(printf '%s\n' "${anon_rps[@]}") | awk -v med="$median" -v lo="$lowest" -v hi="$highest" -v target="$target" '
      { a += $1; n += $2; k++ }
      END {
        printf "| **mean** | **%.0f** | **%.0f** | **%.3f** |\n\n", a / k, n / k, a / n
        printf "Authenticated / anonymous throughput: **%.3f** (ratio of means; median of per-round ratios %s, range %.3f–%.3f). Target ≥ %.2f: **%s**.\n", a / n, med, lo, hi, target, (a / n >= target) ? "met" : "MISSED"
      }'
  } >"$report"
  echo
  cat "$report"
  echo
done
