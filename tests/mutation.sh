#!/usr/bin/env bash
# Mutation testing with Stryker.NET, one run per source folder so each run takes minutes, not hours.
#   tests/mutation.sh                      every folder below, in order
#   tests/mutation.sh Parsing ApiKeys      only these folders, in this order (AspNetCore folders: AspNetCore/Challenges, ...)
# Reports: StrykerOutput/<project>/<folder>/ (git-ignored), html and json. Prints one score line per folder and a
# summary table at the end. Not part of test.sh: too slow for every run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

# Stryker 5.1.0 as a local tool (dotnet-tools.json at the repository root).
if ! dotnet tool run dotnet-stryker --version >/dev/null 2>&1; then
  dotnet tool restore >/dev/null
fi

core_tests="tests/TokenValidation.Tests"
asp_tests="tests/TokenValidation.AspNetCore.Tests"

# folder | source project file name | test project | test filter (dotnet test syntax; the tests of that folder's rules;
# empty: the whole test project, for code every request passes through). "Root" is the project's own top-level files.
folders=(
  "Parsing|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Parsing|FullyQualifiedName~TokenValidation.Tests.Fuzz|FullyQualifiedName~TokenValidation.Tests.Introspection.IntrospectionAnswerTests|FullyQualifiedName~TokenValidation.Tests.Introspection.IntrospectionRequestAndParseTests|FullyQualifiedName~TokenValidation.Tests.Jwt.JwtIdentityReaderTests"
  "ApiKeys|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.ApiKeys"
  "Audience|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Audience.AudienceRuleTests|(FullyQualifiedName~TokenValidation.Tests.Jwt&(FullyQualifiedName~audience|FullyQualifiedName~resource))|(FullyQualifiedName~TokenValidation.Tests.Introspection&(FullyQualifiedName~audience|FullyQualifiedName~resource))"
  "Caching|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Caching|FullyQualifiedName~TokenValidation.Tests.Redis.ValueFormatUpgradeTests|FullyQualifiedName~TokenValidation.Tests.Core.InvalidationChannelTests|FullyQualifiedName~TokenValidation.Tests.Health|FullyQualifiedName~TokenValidation.Tests.Observability.MetricsTests|FullyQualifiedName~TokenValidation.Tests.Observability.ActivityTests"
  "Resilience|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Resilience|FullyQualifiedName~GarbageTests.Each_validator_has_its_own_bulkhead|FullyQualifiedName~GarbageTests.Misses_are_limited_per_client|FullyQualifiedName~GarbageTests.IPv6_clients|FullyQualifiedName~GarbageTests.A_miss_refused_by_the_client_limit|FullyQualifiedName~TokenValidation.Tests.Core.BulkheadPerValidatorTests|FullyQualifiedName~TokenValidation.Tests.Caching.MissLimitJoinTests|FullyQualifiedName~TokenValidation.Tests.Core.NoTokenInLogsTests|FullyQualifiedName~TokenValidation.Tests.Health|FullyQualifiedName~TokenValidation.Tests.Observability.MetricsTests"
  "Jwt|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Jwt|FullyQualifiedName~TokenValidation.Tests.Core.JwtRouteTests|FullyQualifiedName~TokenValidation.Tests.AuthKit.AuthKitJwtDefaultsTests|FullyQualifiedName~IntrospectionValidationTests.Jws_shaped|FullyQualifiedName~IntrospectionValidationTests.A_jws_shaped|FullyQualifiedName~IntrospectionValidationTests.Without_a_jwt_validator"
  "Introspection|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Introspection"
  "AuthKit|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.AuthKit|FullyQualifiedName~TokenValidation.Tests.Resilience.RecoveryTests"
  "Upstream|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Upstream"
  "Health|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Health"
  "Diagnostics|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Observability|FullyQualifiedName~TokenValidation.Tests.Health|FullyQualifiedName~TokenValidation.Tests.Caching.StaleIfErrorTests|FullyQualifiedName~TokenValidation.Tests.Caching.RefreshAheadTests"
  "DependencyInjection|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Core|FullyQualifiedName~TokenValidation.Tests.Resilience.AuthKitResilienceOptionsTests|FullyQualifiedName~TokenValidation.Tests.ApiKeys|FullyQualifiedName~UserInfoStatusMappingTests.Redirects_are_not_followed|FullyQualifiedName~TokenValidation.Tests.Jwt.JwtValidationTests|FullyQualifiedName~TokenValidation.Tests.Introspection.IntrospectionValidationTests|FullyQualifiedName~GarbageTests.Negative_answers_of_local_validators|FullyQualifiedName~GarbageTests.Each_validator_has_its_own_bulkhead|FullyQualifiedName~AuthKitResilienceTests.AuthKitHttpClient_before_AddAuthKit|FullyQualifiedName~AuthKitResilienceTests.Handlers_the_application_adds"
  "Root|TokenValidation.csproj|$core_tests|FullyQualifiedName~TokenValidation.Tests.Core|FullyQualifiedName~CacheLifetimeTests.InvalidateAsync_makes_the_next_request_go_upstream|FullyQualifiedName~GarbageTests.Negative_answers_of_local_validators|FullyQualifiedName~GarbageTests.Each_validator_has_its_own_bulkhead|FullyQualifiedName~GarbageTests.Misses_are_limited_per_client|FullyQualifiedName~GarbageTests.IPv6_clients|FullyQualifiedName~GarbageTests.A_miss_refused_by_the_client_limit|FullyQualifiedName~GarbageTests.A_token_rejected_before_dispatch|FullyQualifiedName~TokenValidation.Tests.Observability.MetricsTests"
  "AspNetCore/Challenges|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~ChallengeTests|FullyQualifiedName~OfflineAccessTests"
  "AspNetCore/Authorization|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.Scopes|FullyQualifiedName~TokenValidation.AspNetCore.Tests.ChallengeTests|FullyQualifiedName~ScopeHierarchyTests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.StepUp|FullyQualifiedName~OfflineAccessTests"
  "AspNetCore/Metadata|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~Metadata"
  "AspNetCore/Caching|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.Caching|FullyQualifiedName~DataProtectionCacheTests"
  "AspNetCore/UserMapping|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.UserMapping"
  "AspNetCore/Cors|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.Cors|FullyQualifiedName~ChallengeTests|FullyQualifiedName~ProtectedResourceMetadataTests|FullyQualifiedName~AuthorizationServerMetadataTests"
  "AspNetCore/DependencyInjection|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~StartupValidationTests|FullyQualifiedName~RegistrationOrderTests|FullyQualifiedName~DataProtectionCacheTests|FullyQualifiedName~AuthKitLoginStartupTests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.AuthorizationServerMetadataTests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.DependencyInjection|FullyQualifiedName~MetadataProxyRedirectTests|FullyQualifiedName~AuthKitLoginRedirectTests|FullyQualifiedName~AuthKitLoginTests.ConfirmedPost|FullyQualifiedName~AuthKitLoginTests.Api500|FullyQualifiedName~UserMappingTests.Api_keys_are_mapped_when_configured"
  "AspNetCore/Diagnostics|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.ChallengeTests|FullyQualifiedName~MetadataProxyFailureTests"
  "AspNetCore/LoginBridge|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.LoginBridge"
  "AspNetCore/Root|TokenValidation.AspNetCore.csproj|$asp_tests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.ChallengeTests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.Challenges|FullyQualifiedName~StartupValidationTests|FullyQualifiedName~TokenValidation.AspNetCore.Tests.Principal|FullyQualifiedName~TokenValidation.AspNetCore.Tests.Handler|FullyQualifiedName~ScopeHierarchyTests|FullyQualifiedName~OfflineAccessTests|FullyQualifiedName~ScopeIdentityTests"
)

summary=()

# The rows to run: every row, or the named folders in the order given (an unknown name stops before any run).
selected=()
if [ "$#" -eq 0 ]; then
  selected=("${folders[@]}")
else
  for w in "$@"; do
    found=""
    for row in "${folders[@]}"; do [ "${row%%|*}" = "$w" ] && found="$row"; done
    [ -n "$found" ] || { echo "mutation.sh: no folder named '$w' (see the rows at the top of tests/mutation.sh)" >&2; exit 2; }
    selected+=("$found")
  done
fi

# Mutation score as Stryker counts it: (killed + timeout) / (killed + timeout + survived + no coverage).
score_of() {
  jq -r '
    [.files[].mutants[].status] as $s
    | ($s | map(select(. == "Killed" or . == "Timeout")) | length) as $k
    | ($s | map(select(. == "Survived")) | length) as $sv
    | ($s | map(select(. == "NoCoverage")) | length) as $nc
    | if ($k + $sv + $nc) == 0 then "n/a (no mutants)"
      else "\(($k * 1000 / ($k + $sv + $nc) | floor) / 10)% (killed \($k), survived \($sv), no coverage \($nc))" end' "$1"
}

for row in "${selected[@]}"; do
  IFS='|' read -r folder project tests filter <<<"$row"
  filter="${row#*|*|*|}"
  src_folder="${folder#AspNetCore/}"
  out="$root/StrykerOutput/${project%.csproj}/$src_folder"
  if [ "$src_folder" = "Root" ]; then
    # The top-level files only: every sub-folder is excluded (each has its own row).
    mutate=(--mutate "**/*.cs")
    for sub in "$root/src/${project%.csproj}"/*/; do
      name=$(basename "$sub")
      case "$name" in bin|obj) continue ;; esac
      mutate+=(--mutate "!**/$name/**/*.cs")
    done
  else
    mutate=(--mutate "**/$src_folder/**/*.cs")
  fi
  filter_args=()
  [ -n "$filter" ] && filter_args=(--test-case-filter "$filter")
  rm -rf "$out"
  mkdir -p "$out"
  echo "mutation.sh: $folder (tests: ${filter:-all of $tests})"
  started=$(date +%s)
  (
    cd "$tests"
    nice -n 10 dotnet tool run dotnet-stryker \
      --project "$project" \
      "${mutate[@]}" \
      "${filter_args[@]}" \
      --config-file "$root/tests/stryker-config.json" \
      --concurrency "${MUTATION_CONCURRENCY:-1}" \
      --configuration Release \
      --reporter Json --reporter Html --reporter Progress \
      --skip-version-check \
      --output "$out"
  ) >"$out/stryker.log" 2>&1 || { echo "mutation.sh: Stryker failed for $folder: see $out/stryker.log" >&2; summary+=("$folder: failed"); continue; }
  report=$(find "$out" -name mutation-report.json | head -n1)
  line="$folder: $(score_of "$report") in $(($(date +%s) - started)) s"
  echo "mutation.sh: $line"
  summary+=("$line")
done

echo
echo "Mutation scores (reports under StrykerOutput/):"
printf '  %s\n' "${summary[@]}"
