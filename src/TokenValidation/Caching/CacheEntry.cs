namespace TokenValidation.Caching;

/// <summary>
/// A cached answer and the moment it stops being usable. Immutable but for the one-shot refresh claim, so readers need
/// no lock. Level 1 keeps an entry until <see cref="RetainUntilTicks"/>, which is later than its expiry only while a
/// stale-if-error window applies.
/// </summary>
internal sealed class CacheEntry(TokenCheckResult result, DateTimeOffset expiresAt)
{
    private int _refreshClaimed;

    public TokenCheckResult Result { get; } = result;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public long ExpiresAtTicks { get; } = expiresAt.UtcTicks;

    /// <summary>From this moment a hit starts one background revalidation; <see cref="long.MaxValue"/> for never.</summary>
    public long RefreshAtTicks { get; init; } = long.MaxValue;

    /// <summary>Until this moment level 1 keeps the entry (at least <see cref="ExpiresAtTicks"/>).</summary>
    public long RetainUntilTicks { get; init; } = expiresAt.UtcTicks;

    /// <summary>True for exactly one caller per entry: the one that starts its refresh.</summary>
    public bool TryClaimRefresh() => Interlocked.Exchange(ref _refreshClaimed, 1) == 0;
}
