using System.Buffers.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.Diagnostics;

namespace TokenValidation.Caching;

/// <summary>
/// Level 2 over <see cref="IDistributedCache"/>. Every failure (down, slow, garbage) is a miss: each call is bounded
/// by <see cref="TokenCacheOptions.DistributedCacheTimeout"/>, and after repeated failures level 2 is skipped for a
/// cool-down, so a sick Redis costs requests nothing but the L1-and-upstream path.
/// </summary>
internal sealed class DistributedTokenCache
{
    private const string Namespace = "tokenvalidation:v1:";

    private readonly IDistributedCache? _cache;
    private readonly TokenCacheOptions _options;
    private readonly CacheValueSerializer _serializer;
    private readonly TimeProvider _time;
    private readonly TokenValidationDiagnostics _diagnostics;
    private readonly ILogger _logger;
    private readonly string _keyPrefix;
    private int _consecutiveFailures;
    private long _skipUntilTicks;

    public DistributedTokenCache(
        IOptions<TokenCacheOptions> options,
        TimeProvider time,
        TokenValidationDiagnostics diagnostics,
        ILogger<DistributedTokenCache> logger,
        IDistributedCache? cache = null,
        ITokenCacheValueProtector? protector = null)
    {
        _options = options.Value;
        _cache = _options.UseDistributedCache ? cache : null;
        _serializer = new CacheValueSerializer(protector);
        _time = time;
        _diagnostics = diagnostics;
        _logger = logger;
        _keyPrefix = Namespace + (_options.InstanceName ?? "") + ":";
    }

    public bool IsEnabled => _cache is not null;

    /// <summary>Whether level 2 is enabled and not cooling down after failures.</summary>
    public bool IsHealthy => _cache is not null && Volatile.Read(ref _skipUntilTicks) <= _time.GetUtcNow().UtcTicks;

    public string GetKey(in TokenHash hash)
    {
        // Unpadded base64url of the hash, encoded on the stack so the key is the only string made.
        Span<byte> bytes = stackalloc byte[TokenHash.Size];
        hash.WriteTo(bytes);
        Span<char> chars = stackalloc char[Base64Url.GetEncodedLength(TokenHash.Size)];
        int written = Base64Url.EncodeToChars(bytes, chars);
        return string.Concat(_keyPrefix.AsSpan(), chars[..written]);
    }

    public ValueTask<CacheEntry?> GetAsync(TokenHash hash, CancellationToken cancellationToken) =>
        GetAsync(hash, CacheValueSerializer.PlainEntry, cancellationToken);

    /// <summary>
    /// The entry under <paramref name="hash"/>, made by <paramref name="entry"/> from the stored answer and its expiry (so
    /// level 1 can take it as it is, with no second entry); <see langword="null"/> for a miss, an unreadable value, a
    /// failure or an expired value.
    /// </summary>
    public async ValueTask<CacheEntry?> GetAsync(TokenHash hash, Func<TokenCheckResult, DateTimeOffset, CacheEntry> entry, CancellationToken cancellationToken)
    {
        if (!ShouldTry())
        {
            return null;
        }

        string key = GetKey(hash);
        byte[]? bytes;
        try
        {
            bytes = await _cache!.GetAsync(key, cancellationToken).WaitAsync(_options.DistributedCacheTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failed("read", ex);
            return null;
        }

        Succeeded();
        if (bytes is null)
        {
            return null;
        }

        var read = _serializer.Deserialize(bytes, key, entry);
        if (read is null)
        {
            Log.DistributedCacheUnreadable(_logger, hash.ToShortString());
            return null;
        }

        return read.ExpiresAtTicks > _time.GetUtcNow().UtcTicks ? read : null;
    }

    public async ValueTask SetAsync(TokenHash hash, CacheEntry entry, CancellationToken cancellationToken)
    {
        if (!ShouldTry())
        {
            return;
        }

        try
        {
            // Relative, so the cache server's clock never matters; the value carries the absolute expiry for readers.
            var remaining = entry.ExpiresAt - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            var options = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = remaining };
            string key = GetKey(hash);
            await _cache!.SetAsync(key, _serializer.Serialize(entry, key), options, cancellationToken).WaitAsync(_options.DistributedCacheTimeout, _time, cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failed("write", ex);
        }
    }

    public async ValueTask RemoveAsync(TokenHash hash, CancellationToken cancellationToken)
    {
        if (_cache is null)
        {
            return;
        }

        // Removal is attempted even while cooling down: a revocation should not be skipped for convenience.
        try
        {
            await _cache.RemoveAsync(GetKey(hash), cancellationToken).WaitAsync(_options.DistributedCacheTimeout, _time, cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failed("remove", ex);
        }
    }

    private bool ShouldTry() => _cache is not null && Volatile.Read(ref _skipUntilTicks) <= _time.GetUtcNow().UtcTicks;

    private void Succeeded()
    {
        if (Interlocked.Exchange(ref _consecutiveFailures, 0) >= _options.DistributedCacheFailureThreshold)
        {
            Log.DistributedCacheRecovered(_logger);
        }
    }

    private void Failed(string operation, Exception exception)
    {
        _diagnostics.DistributedCacheFailure(operation);
        int failures = Interlocked.Increment(ref _consecutiveFailures);

        // One warning for the first failure and one when the cool-down starts; the rest are metrics, not log floods.
        if (failures == 1)
        {
            Log.DistributedCacheFailed(_logger, exception, operation, failures);
        }

        if (failures >= _options.DistributedCacheFailureThreshold)
        {
            if (failures == _options.DistributedCacheFailureThreshold)
            {
                Log.DistributedCacheCoolingDown(_logger, failures, _options.DistributedCacheCooldown);
            }

            Volatile.Write(ref _skipUntilTicks, (_time.GetUtcNow() + _options.DistributedCacheCooldown).UtcTicks);
        }
    }
}
