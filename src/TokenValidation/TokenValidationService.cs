using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.Caching;
using TokenValidation.Diagnostics;
using TokenValidation.Jwt;
using TokenValidation.Parsing;

namespace TokenValidation;

/// <summary>
/// Dispatch by prefix over a two-level cache with single flight. The L1 hit path is synchronous and allocation-free;
/// everything else lives in <see cref="FillAsync"/>, which runs once per token however many callers wait for it.
/// </summary>
internal sealed class TokenValidationService : ITokenValidationService, IDisposable
{
    private const string NoSource = "none";

    private static readonly TokenCheckResult Malformed = TokenCheckResult.Invalid("The token is malformed.");
    private static readonly TokenCheckResult TooLong = TokenCheckResult.Invalid("The token is too long.");
    private static readonly TokenCheckResult UnknownKind = TokenCheckResult.Invalid("The token is not of a kind this server accepts.");

    private readonly Route[] _routes;
    private readonly Route? _fallback;
    private readonly Route? _jwt;
    private readonly ITokenIdentityEnricher[] _enrichers;
    private readonly MemoryTokenCache _l1;
    private readonly DistributedTokenCache _l2;
    private readonly ConcurrentDictionary<TokenHash, Task<TokenCheckResult>> _inFlight = new();
    private readonly SemaphoreSlim _bulkhead;
    private readonly TokenValidationOptions _options;
    private readonly TokenCacheOptions _cacheOptions;
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
        _cacheOptions = cacheOptions.Value;
        _enrichers = [.. enrichers];
        _l1 = new MemoryTokenCache(_cacheOptions.MaxEntries);
        _l2 = l2;
        _bulkhead = new SemaphoreSlim(_options.MaxConcurrentUpstreamCalls, _options.MaxConcurrentUpstreamCalls);
        _diagnostics = diagnostics;
        _time = time;
        _logger = logger;

        var routes = TokenValidatorRoutes.Expand(_options, services);

        // Longest prefix first, so "mat_live_" can be routed apart from "mat_".
        _routes = [.. routes
            .Where(r => r.Prefix is not null)
            .OrderByDescending(r => r.Prefix!.Length)
            .Select(r => new Route(r.Prefix, r.Registration.Factory(services), r.Registration.Name))];
        var fallback = routes.LastOrDefault(r => r.Prefix is null).Registration;
        _fallback = fallback is null ? null : new Route(null, fallback.Factory(services), fallback.Name);
        _jwt = services.GetService<JwtIssuerRouter>() is { } jwt ? new Route(null, jwt.WithFallback(_fallback?.Validator), JwtIssuerRouter.Name) : null;

        // Another replica's InvalidateAsync reaches this one's L1 through the channel, when one is registered.
        _invalidation = invalidation;
        _invalidationSubscription = invalidation?.Subscribe(hash =>
        {
            if (hash.Length == TokenHash.Size)
            {
                _l1.Remove(TokenHash.FromBytes(hash.Span));
            }
        });
    }

    internal MemoryTokenCache MemoryCache => _l1;

    internal int UpstreamCallsInFlight => _options.MaxConcurrentUpstreamCalls - _bulkhead.CurrentCount;

    public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);

        var rejected = Precheck(token, out var route);
        if (rejected is not null)
        {
            _diagnostics.Validation(TokenValidationOutcome.Invalid, NoSource);
            return new(rejected);
        }

        var key = TokenHash.Compute(token);
        if (_l1.TryGet(key, _time.GetUtcNow().UtcTicks, out var entry))
        {
            _diagnostics.CacheHit("l1");
            _diagnostics.Validation(entry.Result.Outcome, entry.Result.Identity?.Source ?? route!.Name);
            return new(entry.Result);
        }

        _diagnostics.CacheMiss("l1");
        return WaitForFillAsync(token, key, route!, cancellationToken);
    }

    public async ValueTask InvalidateAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var key = TokenHash.Compute(token);
        _l1.Remove(key);
        await _l2.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        if (_invalidation is not null)
        {
            await _invalidation.PublishAsync(key.ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }

    private TokenCheckResult? Precheck(string token, out Route? route)
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

    private async ValueTask<TokenCheckResult> WaitForFillAsync(string token, TokenHash key, Route route, CancellationToken cancellationToken)
    {
        TokenCheckResult result;
        var fill = new TaskCompletionSource<TokenCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(key, fill.Task);
        if (shared != fill.Task)
        {
            _diagnostics.CoalescedWait();
            result = await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The fill belongs to everyone waiting, so it ignores this caller's cancellation.
            _ = RunFillAsync(token, key, route, fill);
            result = await fill.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        _diagnostics.Validation(result.Outcome, result.Identity?.Source ?? route.Name);
        return result;
    }

    private async Task RunFillAsync(string token, TokenHash key, Route route, TaskCompletionSource<TokenCheckResult> fill)
    {
        TokenCheckResult result;
        try
        {
            result = await FillAsync(token, key, route).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ValidatorThrew(_logger, route.Name, key.ToShortString(), ex.ToString().Replace(token, "[token]", StringComparison.Ordinal));
            result = Unavailable("The token could not be checked.");
        }
        finally
        {
            // The answer is cached before the in-flight entry goes, so no request falls into the gap; a failure goes
            // only to those already waiting, and the next request starts afresh.
            _inFlight.TryRemove(new KeyValuePair<TokenHash, Task<TokenCheckResult>>(key, fill.Task));
        }

        fill.SetResult(result);
    }

    private async Task<TokenCheckResult> FillAsync(string token, TokenHash key, Route route)
    {
        using var activity = _diagnostics.ActivitySource.StartActivity("TokenValidation.Fill");
        activity?.SetTag(TokenValidationTags.Source, route.Name);

        var cached = await _l2.GetAsync(key, CancellationToken.None).ConfigureAwait(false);
        if (cached is null && _l2.IsEnabled)
        {
            _diagnostics.CacheMiss("l2");
        }

        if (cached is not null)
        {
            _diagnostics.CacheHit("l2");
            activity?.SetTag(TokenValidationTags.CacheLevel, "l2");
            activity?.SetTag(TokenValidationTags.Outcome, TokenValidationDiagnostics.OutcomeName(cached.Result.Outcome));

            // The L2 entry keeps its own expiry: L1 gets the remaining life, not a fresh one.
            _l1.Set(key, cached, _time.GetUtcNow().UtcTicks);
            return cached.Result;
        }

        var result = await CallUpstreamAsync(token, key, route).ConfigureAwait(false);
        if (activity is not null)
        {
            activity.SetTag(TokenValidationTags.Outcome, TokenValidationDiagnostics.OutcomeName(result.Outcome));
            if (result.Outcome == TokenValidationOutcome.Unavailable)
            {
                activity.SetStatus(ActivityStatusCode.Error, result.ErrorDescription);
            }
        }

        if (result is { Outcome: TokenValidationOutcome.Valid, Identity: { } identity })
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

            result = ReferenceEquals(identity, result.Identity) ? result : TokenCheckResult.Valid(identity);
        }

        var now = _time.GetUtcNow();
        var expiresAt = CacheExpiry(result, now);
        if (expiresAt is { } at)
        {
            if (at <= now && result.IsValid)
            {
                return TokenCheckResult.Invalid("The token has expired.");
            }

            if (at > now)
            {
                var entry = new CacheEntry(result, at);
                _l1.Set(key, entry, now.UtcTicks);
                await _l2.SetAsync(key, entry, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return result;
    }

    private async Task<TokenCheckResult> CallUpstreamAsync(string token, TokenHash key, Route route)
    {
        if (!_bulkhead.Wait(0))
        {
            _diagnostics.BulkheadRejection();
            Log.BulkheadFull(_logger, _options.MaxConcurrentUpstreamCalls);
            return Unavailable("Too many tokens are being checked at once.");
        }

        long started = _time.GetTimestamp();
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
            _bulkhead.Release();
        }

        _diagnostics.UpstreamCall(route.Name, result.Outcome, _time.GetElapsedTime(started));
        Log.Validated(_logger, key.ToShortString(), route.Name, result.Outcome);
        return result is { Outcome: TokenValidationOutcome.Unavailable, RetryAfter: null }
            ? TokenCheckResult.Unavailable(result.ErrorDescription ?? "The token could not be checked.", TimeSpan.FromSeconds(_options.DefaultRetryAfterSeconds))
            : result;
    }

    private DateTimeOffset? CacheExpiry(TokenCheckResult result, DateTimeOffset now) => result.Outcome switch
    {
        TokenValidationOutcome.Valid => Min(now + _cacheOptions.Lifetime, result.Identity!.ExpiresAt),
        TokenValidationOutcome.Invalid when result.IsCacheable && _cacheOptions.InvalidLifetime > TimeSpan.Zero => now + _cacheOptions.InvalidLifetime,
        _ => null,
    };

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset? b) => b is { } v && v < a ? v : a;

    private TokenCheckResult Unavailable(string description) =>
        TokenCheckResult.Unavailable(description, TimeSpan.FromSeconds(_options.DefaultRetryAfterSeconds));

    public void Dispose()
    {
        _invalidationSubscription?.Dispose();
        _bulkhead.Dispose();
    }

    private sealed record Route(string? Prefix, ITokenValidator Validator, string Name);
}
