#!/usr/bin/env bash
# Runs every benchmark of CONTRACT.md §10: the BenchmarkDotNet classes, the paired (interleaved) cross-check of the
# §10 ratios, then the end-to-end wrk measurements (every e2e.sh mode) and the fleet (fleet.sh).
# Usage: benchmarks/run.sh [--quick] [more BenchmarkDotNet arguments, e.g. --filter '*L1Hit*']
#   --quick  short jobs (a smoke run of about 10 minutes); without it, BenchmarkDotNet's default job (about 45 min in all)
# Installs redis-server, wrk and curl from Debian's packages when missing (needs root or sudo).
# Results: benchmarks/BenchmarkDotNet.Artifacts/results/ (tables, section10.md, paired.md) and benchmarks/artifacts/
# (e2e-*.md, fleet.md, machine.txt).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
quick=()
if [[ "${1:-}" == "--quick" ]]; then
  quick=(--quick)
  shift
fi

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  echo "== installing ${missing[*]}"
  sudo_cmd=()
  [[ $EUID -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" apt-get install -y "${missing[@]}"
fi

mkdir -p "$here/artifacts"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p')"
  echo "cores: $(nproc)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME") $(uname -r)"
  echo "dotnet sdk: $(dotnet --version)"
  echo "redis-server: $(redis-server --version | awk '{print $3}')"
  echo "wrk: $(wrk --version 2>&1 | head -n1 | awk '{print $2}')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$here/artifacts/machine.txt"

cd "$root"
echo "== BenchmarkDotNet ${quick[*]:-(full)}"
dotnet run -c Release --project benchmarks/TokenValidation.Benchmarks -- "${quick[@]}" --artifacts benchmarks/BenchmarkDotNet.Artifacts "$@"

echo "== paired cross-check of the §10 ratios ${quick[*]:-(full)}"
dotnet run -c Release --no-build --project benchmarks/TokenValidation.Benchmarks -- "${quick[@]}" --paired --artifacts benchmarks/BenchmarkDotNet.Artifacts

echo "== end to end ${quick[*]:-(full)}"
# --quick: peers (anonymous, McpBearer, JwtBearer) and mcp only; the scheme and middleware modes explain, they are not targets.
if ((${#quick[@]})); then e2e_modes="mcp peers"; else e2e_modes="mcpbearer scheme middleware mcp peers"; fi
benchmarks/e2e.sh "${quick[@]}" --mode "$e2e_modes"

echo "== fleet: two load hosts sharing one redis-server ${quick[*]:-(full)}"
benchmarks/fleet.sh "${quick[@]}"

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$here/artifacts/machine.txt"
