namespace TokenValidation;

/// <summary>Validates bearer tokens: dispatch by prefix, two-level cache, single flight. Thread-safe; a singleton.</summary>
public interface ITokenValidationService
{
    /// <summary>
    /// Validates <paramref name="token"/> (the bare token, without <c>Bearer </c>). Served from cache when possible;
    /// otherwise the validator registered for the token's prefix is asked once, however many callers wait.
    /// Cancelling <paramref name="cancellationToken"/> abandons this caller's wait, not the call others share.
    /// </summary>
    ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="ValidateAsync(string, CancellationToken)"/>, for a request from <paramref name="client"/> (the
    /// remote address, as the ASP.NET Core handler passes it): cache misses are limited per client
    /// (<see cref="TokenValidationOptions.ClientMissesPerSecond"/>), and one over the limit answers
    /// <see cref="TokenCheckResult.RateLimited"/>. A <see langword="null"/> client is not limited.
    /// </summary>
    ValueTask<TokenCheckResult> ValidateForClientAsync(string token, System.Net.IPAddress? client, CancellationToken cancellationToken = default) =>
        ValidateAsync(token, cancellationToken);

    /// <summary>
    /// Forgets what is cached for <paramref name="token"/> in every cache level (logout, revocation); with an
    /// <see cref="Caching.ITokenInvalidationChannel"/> registered, in every other replica's level 1 too.
    /// </summary>
    ValueTask InvalidateAsync(string token, CancellationToken cancellationToken = default);
}
