namespace TokenValidation.Benchmarks;

/// <summary>
/// The caller as most applications would write it for a <see cref="Microsoft.Extensions.Caching.Hybrid.HybridCache"/>
/// front: a plain class with settable properties, so HybridCache returns each hit as a fresh deserialized copy (its
/// default, protecting callers from each other's changes).
/// </summary>
public sealed class MutableCachedCaller
{
    /// <summary>The subject.</summary>
    public string Subject { get; set; } = "";

    /// <summary>The email.</summary>
    public string? Email { get; set; }

    /// <summary>The scopes.</summary>
    public List<string> Scopes { get; set; } = [];
}
