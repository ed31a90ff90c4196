using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenValidation.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the token validation health check.</summary>
public static class TokenValidationHealthChecksBuilderExtensions
{
    /// <summary>The default name of the check.</summary>
    public const string DefaultName = "tokenvalidation";

    /// <summary>
    /// Adds a check of what token validation depends on: Healthy when the AuthKit circuit is closed (or there is none)
    /// and the level-2 cache, when enabled, is answering; otherwise <paramref name="failureStatus"/>. Its data holds
    /// <c>authkit.circuit</c> (<c>closed</c>, <c>open</c>, <c>half_open</c>, <c>none</c>) and <c>l2</c>
    /// (<c>healthy</c>, <c>cooling_down</c>, <c>disabled</c>). Requires <c>AddTokenValidation()</c> on the services.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default <c>tokenvalidation</c>.</param>
    /// <param name="failureStatus">
    /// What to report when the circuit is not closed or level 2 is cooling down. Default
    /// <see cref="HealthStatus.Degraded"/>: the replica still serves cached tokens, so an orchestrator should not restart
    /// it for an outage at AuthKit or Redis.
    /// </param>
    /// <param name="tags">Tags for filtering checks (for example <c>ready</c>).</param>
    public static IHealthChecksBuilder AddTokenValidation(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus failureStatus = HealthStatus.Degraded,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.AddCheck<TokenValidationHealthCheck>(name, failureStatus, tags ?? []);
    }
}
