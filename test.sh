#!/usr/bin/env bash
# Builds and tests the whole solution; installs the servers the tests need (redis-server, wrk) when missing.
# Last line of output: "N passed, N failed[, N skipped]" summed from this run's TRX files. Exit code non-zero when
# the build or any test failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive

if ! command -v dotnet >/dev/null 2>&1; then
  for candidate in /usr/share/dotnet /usr/lib/dotnet "$HOME/.dotnet"; do
    if [ -x "$candidate/dotnet" ]; then
      export PATH="$candidate:$PATH"
      break
    fi
  done
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: dotnet SDK not found on PATH" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# --- servers the tests start themselves -------------------------------------------------------------------------
if ! command -v redis-server >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO="sudo -n"
    else
      echo "test.sh: redis-server/wrk missing and not root (no sudo): install them with apt-get install -y redis-server wrk" >&2
    fi
  fi
  echo "test.sh: installing redis-server and wrk (apt-get)"
  apt_ok=0
  for attempt in 1 2 3; do
    if $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq \
      && $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends redis-server wrk >/dev/null; then
      apt_ok=1
      break
    fi
    echo "test.sh: apt-get attempt $attempt failed; retrying" >&2
    sleep $((attempt * 5))
  done
  if [ "$apt_ok" -ne 1 ]; then
    echo "test.sh: could not install redis-server/wrk; Redis tests will fail" >&2
  fi
fi
if command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: $(redis-server --version | head -n1)"
fi

# --- build and test ---------------------------------------------------------------------------------------------
RESULTS="TestResults"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

set +e
dotnet test TokenValidation.sln -c Release \
  --logger "trx" \
  --results-directory "$RESULTS" \
  --blame-hang-timeout 15m --blame-hang-dump-type none
status=$?
set -e

# --- summary from the TRX files of this run ---------------------------------------------------------------------
passed=0
failed=0
skipped=0
shopt -s nullglob
trx_files=("$RESULTS"/*.trx "$RESULTS"/*/*.trx)
shopt -u nullglob
attr() { # attr NAME COUNTERS-ELEMENT -> number (0 when absent)
  local value
  value=$(printf '%s' "$2" | grep -o " $1=\"[0-9]*\"" | head -n1 | grep -o '[0-9][0-9]*' || true)
  echo "${value:-0}"
}
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1 || true)
  [ -n "$counters" ] || continue
  passed=$((passed + $(attr passed "$counters")))
  failed=$((failed + $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters")))
  # xunit's skipped tests are counted in neither notExecuted nor failed: they are total - executed.
  not_run=$(($(attr total "$counters") - $(attr executed "$counters")))
  [ "$not_run" -gt 0 ] || not_run=0
  skipped=$((skipped + not_run))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: dotnet test exited with $status (build failure, crashed or hung test host): see the output above" >&2
fi

summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
  summary="$summary, $skipped skipped"
fi
echo "$summary"

if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
exit 0
