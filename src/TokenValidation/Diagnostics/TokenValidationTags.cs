namespace TokenValidation.Diagnostics;

/// <summary>
/// The tag names of the library's metrics and spans: one name per concept, the same on every instrument and span that
/// carries it. Values are a fixed vocabulary; no tag ever carries a token or its hash.
/// </summary>
internal static class TokenValidationTags
{
    /// <summary>
    /// The validator that answered: <c>authkit</c>, <c>api_key</c>, the name an application gave its own validator, or
    /// <c>none</c> for a token rejected before dispatch.
    /// </summary>
    public const string Source = "tokenvalidation.source";

    /// <summary>The outcome: <c>valid</c>, <c>invalid</c> or <c>unavailable</c>.</summary>
    public const string Outcome = "tokenvalidation.outcome";

    /// <summary>The cache level: <c>l1</c> (memory) or <c>l2</c> (the distributed cache).</summary>
    public const string CacheLevel = "tokenvalidation.cache.level";

    /// <summary>The level-2 cache operation that failed: <c>read</c>, <c>write</c> or <c>remove</c>.</summary>
    public const string CacheOperation = "tokenvalidation.cache.operation";

    /// <summary>Why a call to the issuer was retried: <c>timeout</c>, <c>connection</c>, <c>http_5xx</c>, <c>http_429</c>, <c>http_408</c>, <c>other</c>.</summary>
    public const string RetryReason = "tokenvalidation.retry.reason";

    /// <summary>The circuit breaker state entered: <c>open</c>, <c>half_open</c> or <c>closed</c>.</summary>
    public const string CircuitState = "tokenvalidation.circuit.state";
}
