namespace TokenValidation.Caching;

/// <summary>A cached answer and the moment it stops being usable. Immutable, so readers need no lock.</summary>
internal sealed class CacheEntry(TokenCheckResult result, DateTimeOffset expiresAt)
{
    public TokenCheckResult Result { get; } = result;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public long ExpiresAtTicks { get; } = expiresAt.UtcTicks;
}
