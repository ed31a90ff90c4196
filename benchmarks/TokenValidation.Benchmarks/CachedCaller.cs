using Microsoft.Extensions.Caching.Hybrid;

namespace TokenValidation.Benchmarks;

/// <summary>The caller a hand-built <see cref="HybridCache"/> front would keep: immutable, so hits share one instance.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Email">The email.</param>
/// <param name="Scopes">The scopes.</param>
[System.ComponentModel.ImmutableObject(true)]
public sealed record CachedCaller(string Subject, string? Email, IReadOnlyList<string> Scopes)
{
    /// <summary>What the factory would return on a miss (never reached in the benchmark).</summary>
    public static readonly CachedCaller Missing = new("", null, []);
}
