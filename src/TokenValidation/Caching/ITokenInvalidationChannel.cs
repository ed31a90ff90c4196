namespace TokenValidation.Caching;

/// <summary>
/// Carries invalidations between replicas, so <see cref="ITokenValidationService.InvalidateAsync"/> on one drops the
/// entry from every replica's level 1 (process memory), not only from its own and from level 2. Optional: without one,
/// another replica keeps answering from its level 1 until the entry's lifetime ends. The
/// <c>TokenValidation.StackExchangeRedis</c> package supplies one over Redis pub/sub (<c>AddRedisInvalidation</c>).
/// </summary>
/// <remarks>
/// Only the token's SHA-256 travels, never the token. Implementations must never throw into a request: a channel that
/// is down costs replicas the cross-replica invalidation (each keeps the L1 lifetime bound), nothing else.
/// </remarks>
public interface ITokenInvalidationChannel
{
    /// <summary>Tells every subscribed replica (this one included) to drop the entry of the token whose hash is given.</summary>
    /// <param name="tokenHash">The SHA-256 of the token's bytes (32 bytes).</param>
    /// <param name="cancellationToken">Cancels the publication.</param>
    ValueTask PublishAsync(ReadOnlyMemory<byte> tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="onInvalidated"/> with the hash of every token any replica invalidates, until the returned
    /// handle is disposed. Returns at once; connecting and subscribing happen in the background.
    /// </summary>
    /// <param name="onInvalidated">Receives the 32-byte SHA-256 of an invalidated token; must be quick and not throw.</param>
    IDisposable Subscribe(Action<ReadOnlyMemory<byte>> onInvalidated);
}
