namespace TokenValidation;

/// <summary>
/// Runs once when a token is freshly validated (a cache fill), never on a cached request. Its result is cached with
/// the identity, so claims it adds (for example the application's local user id) travel with every later hit.
/// </summary>
public interface ITokenIdentityEnricher
{
    /// <summary>Returns the identity to cache, typically <paramref name="identity"/> with claims added.</summary>
    /// <exception cref="Exception">Any exception makes this validation Unavailable (not cached, not invalid_token).</exception>
    ValueTask<TokenIdentity> EnrichAsync(TokenIdentity identity, CancellationToken cancellationToken);
}
