namespace TokenValidation.Caching;

/// <summary>Options for the validation cache. Bound from <c>TokenValidation:Cache</c>.</summary>
public sealed class TokenCacheOptions
{
    /// <summary>The configuration section these options are bound from by default.</summary>
    public const string SectionName = "TokenValidation:Cache";

    /// <summary>How long a valid answer is kept, capped by the token's own expiry when known. Default 5 minutes.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an invalid answer is kept, so a replayed bad token does not reach the issuer again. Default 30 seconds; zero turns it off.</summary>
    public TimeSpan InvalidLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most valid answers level 1 (process memory) holds. Default 100,000.</summary>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>
    /// The most invalid answers level 1 holds, apart from <see cref="MaxEntries"/>: a flood of garbage tokens evicts
    /// only other garbage, never a valid identity. Default 10,000.
    /// </summary>
    public int MaxInvalidEntries { get; set; } = 10_000;

    /// <summary>
    /// Refresh ahead: a hit on a valid entry in this last share of its <see cref="Lifetime"/> starts one background
    /// revalidation while callers keep the cached answer. Valid renews the entry (both levels), Invalid replaces it, and
    /// an unreachable issuer leaves it to live out its time. Entries cut short by the token's own expiry are not
    /// refreshed. An entry read from level 2 waits for the second half of this share, so in a fleet the replica that
    /// filled it refreshes first and the others take the renewal from level 2. Default 0.2 (the last 20%); 0 turns it
    /// off; below 1.
    /// </summary>
    public double RefreshAheadRatio { get; set; } = 0.2;

    /// <summary>
    /// Stale if error: while the issuer is unavailable, a valid answer that expired less than this long ago (never past
    /// the token's own expiry) is served from level 1, counted and logged once per outage. A revocation made during the
    /// outage is not seen until the issuer answers again. Default zero: off.
    /// </summary>
    public TimeSpan StaleIfErrorWindow { get; set; }

    /// <summary>
    /// Separates servers that share one distributed cache: part of every level-2 key. The ASP.NET Core scheme defaults
    /// it to the resource URL, so two MCP servers on one Redis never read each other's identities.
    /// </summary>
    public string? InstanceName { get; set; }

    /// <summary>Use the registered <c>IDistributedCache</c> as level 2. Default off.</summary>
    public bool UseDistributedCache { get; set; }

    /// <summary>How long one level-2 read or write may take before it counts as a miss. Default 250 ms.</summary>
    public TimeSpan DistributedCacheTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Consecutive level-2 failures after which level 2 is skipped for <see cref="DistributedCacheCooldown"/>. Default 3.</summary>
    public int DistributedCacheFailureThreshold { get; set; } = 3;

    /// <summary>How long level 2 is skipped after repeated failures. Default 30 seconds.</summary>
    public TimeSpan DistributedCacheCooldown { get; set; } = TimeSpan.FromSeconds(30);
}
