using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Upstream;

namespace TokenValidation.Jwt;

/// <summary>
/// One issuer's signing keys: fetched on first use, again every <see cref="JwtIssuer.KeyRefreshInterval"/>, and when a
/// token names a <c>kid</c> we do not hold — at most once per <see cref="JwtIssuer.MinimumKeyRefreshInterval"/> however
/// many such tokens arrive, one fetch at a time (single flight).
/// </summary>
/// <remarks>
/// Not IdentityModel's <c>ConfigurationManager</c>: its refresh on demand runs in the background (sync-over-async on a
/// pool thread) and the request that found the new <c>kid</c> is answered with the old keys, so the first tokens after
/// a rotation would be Invalid — and cached as such. It also reads the wall clock instead of a <see cref="TimeProvider"/>.
/// Parsing the keys stays IdentityModel's (<see cref="JsonWebKeySet"/>).
/// </remarks>
internal sealed class SigningKeyCache(JwtIssuer issuer, IHttpClientFactory httpClientFactory, TimeProvider time, ILogger logger)
{
    /// <summary>The named client that fetches metadata and keys; the application may add handlers to it.</summary>
    public const string HttpClientName = "TokenValidation.Jwt";

    private readonly Lock _gate = new();
    private KeySet? _current;
    private Task<KeySet?>? _fetch;
    private long _lastKidRefresh = long.MinValue;

    /// <summary>
    /// The keys to check a token naming <paramref name="kid"/> with: refreshed first when they are due, or when
    /// <paramref name="kid"/> is unknown and the last fetch is old enough. <see langword="null"/> when no keys could
    /// ever be fetched (the token is then Unavailable, never Invalid).
    /// </summary>
    public async ValueTask<KeySet?> GetAsync(string? kid, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        long now = time.GetTimestamp();
        if (current is null || time.GetElapsedTime(current.FetchedAt, now) >= issuer.KeyRefreshInterval)
        {
            var fetched = await FetchOnceAsync(cancellationToken).ConfigureAwait(false);
            current = fetched ?? Volatile.Read(ref _current);
        }
        else if (kid is not null && !current.Contains(kid) && RefreshForUnknownKid(now) is { } refresh)
        {
            await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
            current = Volatile.Read(ref _current);
        }

        // Another caller's fetch may have brought the kid in since this one looked.
        return current is not null && kid is not null && !current.Contains(kid) ? Volatile.Read(ref _current) : current;
    }

    // The fetch to wait for: the one in flight (whatever started it), or a new one unless an unknown kid already caused
    // one within the interval. Decided under the lock, so concurrent callers cannot slip between the check and the start.
    private Task<KeySet?>? RefreshForUnknownKid(long now)
    {
        lock (_gate)
        {
            if (_fetch is { IsCompleted: false } running)
            {
                return running;
            }

            if (_lastKidRefresh != long.MinValue && time.GetElapsedTime(_lastKidRefresh, now) < issuer.MinimumKeyRefreshInterval)
            {
                return null;
            }

            _lastKidRefresh = now;
            return _fetch = FetchAsync();
        }
    }

    // Joins the fetch in flight or starts one; the fetch ignores this caller's cancellation (it is everyone's).
    private Task<KeySet?> FetchOnceAsync(CancellationToken cancellationToken)
    {
        Task<KeySet?> fetch;
        lock (_gate)
        {
            fetch = _fetch is { IsCompleted: false } running ? running : (_fetch = FetchAsync());
        }

        return fetch.WaitAsync(cancellationToken);
    }

    private async Task<KeySet?> FetchAsync()
    {
        using var timeout = new CancellationTokenSource(issuer.Timeout);
        string? reason;
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            string? jwksUri = issuer.JwksUri ?? await IssuerMetadata.FindAsync(client, issuer.Issuer, "jwks_uri", issuer.MaxResponseBytes, timeout.Token).ConfigureAwait(false);
            if (jwksUri is null)
            {
                reason = "no metadata document names a jwks_uri for this issuer";
            }
            else
            {
                var (body, status) = await GetAsync(client, jwksUri, timeout.Token).ConfigureAwait(false);
                var keys = body is null ? null : ParseKeys(body);
                if (keys is { Count: > 0 })
                {
                    var set = new KeySet(keys, time.GetTimestamp());
                    Volatile.Write(ref _current, set);
                    JwtLog.KeysFetched(logger, keys.Count, issuer.Issuer, jwksUri);
                    return set;
                }

                reason = body is null ? $"{jwksUri} answered {status}" : $"{jwksUri} holds no usable signing key";
            }
        }
        catch (Exception ex) when (UpstreamFailure.TryClassify(ex, CancellationToken.None, out var failure))
        {
            // The fetch is everyone's: no caller's cancellation reaches it, so a cancellation here is our own timeout.
            reason = failure.Reason;
        }

        if (Volatile.Read(ref _current) is { } kept)
        {
            JwtLog.KeysKeptAfterFailedRefresh(logger, issuer.Issuer, reason, kept.Count);
        }
        else
        {
            JwtLog.KeysUnavailable(logger, issuer.Issuer, reason);
        }

        return null;
    }

    private async Task<(byte[]? Body, HttpStatusCode Status)> GetAsync(HttpClient client, string address, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (null, response.StatusCode);
        }

        return (await BoundedContent.ReadAsync(response.Content, issuer.MaxResponseBytes, cancellationToken).ConfigureAwait(false), response.StatusCode);
    }

    // Signing keys only: a JWK marked for encryption never verifies a signature.
    private static IReadOnlyList<SecurityKey>? ParseKeys(byte[] body)
    {
        try
        {
            var set = new JsonWebKeySet(System.Text.Encoding.UTF8.GetString(body)) { SkipUnresolvedJsonWebKeys = true };
            return [.. set.GetSigningKeys().Where(k => k is not SymmetricSecurityKey)];
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The keys of one fetch, and when it happened (a <see cref="TimeProvider"/> timestamp).</summary>
    internal sealed class KeySet(IReadOnlyList<SecurityKey> keys, long fetchedAt)
    {
        public IReadOnlyList<SecurityKey> Keys { get; } = keys;

        public long FetchedAt { get; } = fetchedAt;

        public int Count => Keys.Count;

        public bool Contains(string kid)
        {
            foreach (var key in Keys)
            {
                if (string.Equals(key.KeyId, kid, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
