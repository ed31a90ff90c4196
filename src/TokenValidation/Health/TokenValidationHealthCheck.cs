using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.CircuitBreaker;
using TokenValidation.AuthKit;
using TokenValidation.Caching;
using TokenValidation.Diagnostics;
using TokenValidation.Resilience;

namespace TokenValidation.Health;

/// <summary>
/// Reports what stands between a cache miss and an answer: the AuthKit circuit and the level-2 cache. Neither makes
/// the check Unhealthy on its own: an open circuit or a cooling-down Redis is an outage elsewhere, and a replica
/// still serves cached tokens, so an orchestrator restarting it would only make things worse. Both report the
/// registration's failure status, which <c>AddTokenValidation()</c> sets to Degraded.
/// </summary>
/// <remarks>Passive: it reads state the requests already keep, and makes no call to AuthKit or the cache itself.</remarks>
internal sealed class TokenValidationHealthCheck(
    DistributedTokenCache l2,
    [FromKeyedServices(AuthKitDefaults.HttpClientName)] UpstreamResilience? circuit = null) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var problems = new List<string>(2);

        if (circuit?.State is { } state)
        {
            data["authkit.circuit"] = TokenValidationDiagnostics.CircuitStateName(state);
            if (state != CircuitState.Closed)
            {
                string description = state switch
                {
                    CircuitState.HalfOpen => "AuthKit circuit is half-open: probing whether AuthKit has recovered",
                    _ => $"AuthKit circuit is {TokenValidationDiagnostics.CircuitStateName(state)}: cache misses answer 503 without calling AuthKit",
                };
                if (circuit.RemainingBreak is { } remaining)
                {
                    data["authkit.circuit.retry_after_seconds"] = Math.Ceiling(remaining.TotalSeconds);
                }

                problems.Add(description);
            }
        }
        else
        {
            data["authkit.circuit"] = "none";
        }

        if (!l2.IsEnabled)
        {
            data["l2"] = "disabled";
        }
        else if (l2.IsHealthy)
        {
            data["l2"] = "healthy";
        }
        else
        {
            data["l2"] = "cooling_down";
            problems.Add("level-2 cache failed repeatedly and is skipped for a cool-down (serving from memory and upstream)");
        }

        var result = problems.Count == 0
            ? HealthCheckResult.Healthy("Token validation is healthy.", data)
            : new HealthCheckResult(context?.Registration?.FailureStatus ?? HealthStatus.Degraded, string.Join("; ", problems) + ".", data: data);
        return Task.FromResult(result);
    }
}
