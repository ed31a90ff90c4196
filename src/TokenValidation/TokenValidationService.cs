using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.Caching;
using TokenValidation.Diagnostics;
using TokenValidation.Jwt;
using TokenValidation.Parsing;
using TokenValidation.Resilience;

namespace TokenValidation;

/// <summary>
/// Dispatch by prefix and enrichment. What is cached, for how long and when to ask again is
/// <see cref="TwoLevelTokenCache"/>'s; the bounds on asking (bulkheads, the per-client miss limit) are in
/// <c>Resilience/</c>. The L1 hit path is synchronous and allocation-free.
/// </summary>
internal sealed class TokenValidationService : ITokenValidationService, IDisposable
{
    private const string NoSource = "none";

    private static readonly TokenCheckResult Malformed = TokenCheckResult.Invalid("The token is malformed.");
    private static readonly TokenCheckResult TooLong = TokenCheckResult.Invalid("The token is too long.");
    private static readonly TokenCheckResult UnknownKind = TokenCheckResult.Invalid("The token is not of a kind this server accepts.");

    private readonly TokenRoute[] _routes;
    private readonly TokenRoute? _fallback;
    private readonly TokenRoute? _jwt;
    private readonly UpstreamBulkhead[] _bulkheads;
    private readonly ITokenIdentityEnricher[] _enrichers;
    private readonly TwoLevelTokenCache _cache;
    private readonly ClientMissRateLimiter _missLimiter;
    private readonly TokenValidationOptions _options;
    private readonly TokenValidationDiagnostics _diagnostics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITokenInvalidationChannel? _invalidation;
    private readonly IDisposable? _invalidationSubscription;

    public TokenValidationService(
        IServiceProvider services,
        IOptions<TokenValidationOptions> options,
        IOptions<TokenCacheOptions> cacheOptions,
        IEnumerable<ITokenIdentityEnricher> enrichers,
        DistributedTokenCache l2,
        TokenValidationDiagnostics diagnostics,
        TimeProvider time,
        ILogger<TokenValidationService> logger,
        ITokenInvalidationChannel? invalidation = null)
    {
        _options = options.Value;
        _enrichers = [.. enrichers];
        _diagnostics = diagnostics;
        _time = time;
        _logger = logger;
        _cache = new TwoLevelTokenCache(cacheOptions.Value, l2, ValidateUpstreamAsync, time, diagnostics, logger);
        _missLimiter = new ClientMissRateLimiter(_options.ClientMissesPerSecond, _options.ClientMissBurst);

        // One bulkhead per validator (a registration answering several prefixes shares one); none for local ones.
        var bulkheads = new Dictionary<string, UpstreamBulkhead>(StringComparer.Ordinal);
        TokenRoute Route(string? prefix, ITokenValidator validator, string name, bool isLocal, bool bounded)
        {
            UpstreamBulkhead? bulkhead = null;
            if (bounded && !bulkheads.TryGetValue(name, out bulkhead))
            {
                bulkheads[name] = bulkhead = new UpstreamBulkhead(name, _options.MaxConcurrentUpstreamCalls, diagnostics, logger);
            }

            return new TokenRoute(prefix, validator, name, isLocal, bulkhead);
        }

        var routes = TokenValidatorRoutes.Expand(_options, services);

        // Longest prefix first, so "mat_live_" can be routed apart from "mat_".
        _routes = [.. routes
            .Where(r => r.Prefix is not null)
            .OrderByDescending(r => r.Prefix!.Length)
            .Select(r => Route(r.Prefix, r.Registration.Factory(services), r.Registration.Name, r.Registration.IsLocal, !r.Registration.IsLocal))];
        var fallback = routes.LastOrDefault(r => r.Prefix is null).Registration;
        _fallback = fallback is null ? null : Route(null, fallback.Factory(services), fallback.Name, fallback.IsLocal, !fallback.IsLocal);

        // JWTs are checked against cached keys: local answers, unless an unknown issuer's tokens go on to the fallback;
        // bounded all the same, since fetching the keys goes out.
        _jwt = services.GetService<JwtIssuerRouter>() is { } jwt
            ? Route(null, jwt.WithFallback(_fallback?.Validator), JwtIssuerRouter.Name, isLocal: _fallback is null, bounded: true)
            : null;
        _bulkheads = [.. bulkheads.Values];

        // Another replica's InvalidateAsync reaches this one's level 1 through the channel, when one is registered.
        _invalidation = invalidation;
        _invalidationSubscription = invalidation?.Subscribe(hash =>
        {
            if (hash.Length == TokenHash.Size)
            {
                _cache.RemoveLocal(TokenHash.FromBytes(hash.Span));
            }
        });
    }

    internal MemoryTokenCache MemoryCache => _cache.Valid;

    internal TwoLevelTokenCache Cache => _cache;

    internal int UpstreamCallsInFlight => _bulkheads.Sum(b => b.InFlight);

    public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken = default) =>
        ValidateForClientAsync(token, null, cancellationToken);

    public ValueTask<TokenCheckResult> ValidateForClientAsync(string token, IPAddress? client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);

        var rejected = Precheck(token, out var route);
        if (rejected is not null)
        {
            _diagnostics.Validation(TokenValidationOutcome.Invalid, NoSource);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.TokenRejected(_logger, TokenHash.Compute(token).ToShortString(), rejected.ErrorDescription!);
            }

            return new(rejected);
        }

        var key = TokenHash.Compute(token);
        long now = _time.GetUtcNow().UtcTicks;
        if (_cache.TryGet(token, key, route!, now, out var entry))
        {
            _diagnostics.CacheHit("l1");
            _diagnostics.Validation(entry.Result.Outcome, entry.Result.Identity?.Source ?? route!.Name);
            return new(entry.Result);
        }

        _diagnostics.CacheMiss("l1");

        // Only a miss that would cost something new counts against its client: joining a fill in flight does not.
        if (client is not null && _missLimiter.IsEnabled && !_cache.IsKnown(key, now) && !_missLimiter.TryAcquire(client, out var retryAfter))
        {
            _diagnostics.MissRateLimited(route!.Name);
            _diagnostics.Validation(TokenValidationOutcome.Unavailable, route.Name);
            Log.MissRateLimited(_logger, key.ToShortString(), retryAfter);
            return new(TokenCheckResult.RateLimited("Too many new tokens from this client; retry later.", retryAfter));
        }

        return WaitForFillAsync(token, key, route!, now, cancellationToken);
    }

    public async ValueTask InvalidateAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var key = TokenHash.Compute(token);
        await _cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        if (_invalidation is not null)
        {
            await _invalidation.PublishAsync(key.ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }

    private TokenCheckResult? Precheck(string token, out TokenRoute? route)
    {
        route = null;
        if (token.Length > _options.MaxTokenLength)
        {
            return TooLong;
        }

        if (!BearerTokenReader.IsB64Token(token))
        {
            return Malformed;
        }

        foreach (var candidate in _routes)
        {
            if (token.StartsWith(candidate.Prefix!, StringComparison.Ordinal))
            {
                route = candidate;
                return null;
            }
        }

        // JWS-shaped tokens go to the JWT issuers when any is registered (CONTRACT §3); other unprefixed ones to the fallback.
        route = _jwt is not null && JwtIssuerRouter.LooksLikeJws(token) ? _jwt : _fallback;
        return route is null ? UnknownKind : null;
    }

    private async ValueTask<TokenCheckResult> WaitForFillAsync(string token, TokenHash key, TokenRoute route, long nowTicks, CancellationToken cancellationToken)
    {
        var result = await _cache.GetOrFillAsync(token, key, route, nowTicks, cancellationToken).ConfigureAwait(false);
        _diagnostics.Validation(result.Outcome, result.Identity?.Source ?? route.Name);
        return result;
    }

    /// <summary>One call to the route's validator inside its bulkhead, then the enrichers on a valid identity.</summary>
    private async ValueTask<TokenCheckResult> ValidateUpstreamAsync(string token, TokenHash key, TokenRoute route)
    {
        var bulkhead = route.Bulkhead;
        if (bulkhead is not null && !bulkhead.TryEnter())
        {
            return Unavailable("Too many tokens are being checked at once.");
        }

        // Timed only when someone listens to the duration histogram: two clock reads per fill otherwise wasted.
        bool timed = _diagnostics.TimesUpstreamCalls;
        // Stryker disable once Conditional : reading the clock when nobody listens only costs time; nothing records it.
        long started = timed ? _time.GetTimestamp() : 0;
        TokenCheckResult result;
        try
        {
            result = await route.Validator.ValidateAsync(token, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ValidatorThrew(_logger, route.Name, key.ToShortString(), ex.ToString().Replace(token, "[token]", StringComparison.Ordinal));
            result = Unavailable("The token could not be checked.");
        }
        finally
        {
            bulkhead?.Release();
        }

        // Stryker disable once Conditional : a duration given while nobody listens to the histogram is recorded nowhere.
        _diagnostics.UpstreamCall(route.Name, result.Outcome, timed ? _time.GetElapsedTime(started) : null);
        // The hash itself, not its text: formatted only when Debug is on (every fill passes here).
        Log.Validated(_logger, key, route.Name, result.Outcome);
        if (result.Outcome == TokenValidationOutcome.Unavailable)
        {
            return result.RetryAfter is null ? Unavailable(result.ErrorDescription ?? "The token could not be checked.") : result;
        }

        // Stryker disable once Equality : with no enrichers EnrichAsync returns the same result; the check only saves a call.
        return result is { Outcome: TokenValidationOutcome.Valid, Identity: { } identity } && _enrichers.Length > 0
            ? await EnrichAsync(result, identity, key).ConfigureAwait(false)
            : result;
    }

    private async ValueTask<TokenCheckResult> EnrichAsync(TokenCheckResult result, TokenIdentity identity, TokenHash key)
    {
        foreach (var enricher in _enrichers)
        {
            try
            {
                identity = await enricher.EnrichAsync(identity, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.EnricherThrew(_logger, ex, key.ToShortString());
                return Unavailable("The caller's account could not be loaded.");
            }
        }

        // Stryker disable once Conditional : a new Valid result for the same identity is the same answer; this saves an allocation.
        return ReferenceEquals(identity, result.Identity) ? result : TokenCheckResult.Valid(identity);
    }

    private TokenCheckResult Unavailable(string description) =>
        TokenCheckResult.Unavailable(description, TimeSpan.FromSeconds(_options.DefaultRetryAfterSeconds));

    public void Dispose()
    {
        _invalidationSubscription?.Dispose();
        _missLimiter.Dispose();
    }
}
