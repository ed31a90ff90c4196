using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using TokenValidation.Diagnostics;

namespace TokenValidation.Caching;

/// <summary>
/// The cache of CONTRACT §7 in one place: level 1 (valid answers and negative ones under separate bounds), level 2,
/// single flight, lifetimes, refresh ahead and stale-if-error. Asking the issuer is the caller's job, handed in as
/// <see cref="Upstream"/>; everything about when to ask and what to keep is here.
/// </summary>
/// <remarks>
/// <para>
/// Single flight holds at every instant: a fill writes level 1 before it leaves the in-flight table, and whoever wins
/// the table's slot reads level 1 again before calling out. So a request that missed level 1 just before a fill wrote
/// it, and reached the table just after the fill left, finds the answer instead of starting a second call.
/// </para>
/// <para>
/// The hit path (<see cref="TryGet"/>) is synchronous and allocates nothing; it hands off to the thread pool only when
/// it claims an entry's one refresh.
/// </para>
/// </remarks>
internal sealed class TwoLevelTokenCache
{
    private readonly MemoryTokenCache _valid;
    private readonly MemoryTokenCache _negative;
    private readonly DistributedTokenCache _l2;
    private readonly ConcurrentDictionary<TokenHash, Task<TokenCheckResult>> _inFlight = new();
    private readonly Upstream _upstream;
    private readonly TokenCacheOptions _options;
    private readonly long _refreshAheadTicks;
    private readonly TimeProvider _time;
    private readonly TokenValidationDiagnostics _diagnostics;
    private readonly ILogger _logger;
    private readonly Func<TokenCheckResult, DateTimeOffset, CacheEntry> _timed; // entries read from level 2
    private int _servingStale;

    public TwoLevelTokenCache(
        TokenCacheOptions options,
        DistributedTokenCache l2,
        Upstream upstream,
        TimeProvider time,
        TokenValidationDiagnostics diagnostics,
        ILogger logger)
    {
        _options = options;
        _valid = new MemoryTokenCache(options.MaxEntries);
        _negative = new MemoryTokenCache(options.MaxInvalidEntries);
        _l2 = l2;
        _upstream = upstream;
        _refreshAheadTicks = (long)(options.Lifetime.Ticks * options.RefreshAheadRatio);
        _time = time;
        _diagnostics = diagnostics;
        _logger = logger;
        _timed = (result, expiresAt) => Timed(result, expiresAt, fromLevel2: true);
    }

    /// <summary>Asks the route's validator (and enrichers) about a token; never throws for the issuer's failures.</summary>
    public delegate ValueTask<TokenCheckResult> Upstream(string token, TokenHash key, TokenRoute route);

    /// <summary>Level 1's valid answers.</summary>
    public MemoryTokenCache Valid => _valid;

    /// <summary>Level 1's negative answers, under their own smaller bound so a flood of garbage never evicts a valid one.</summary>
    public MemoryTokenCache Negative => _negative;

    /// <summary>Fills and refreshes running now.</summary>
    public int FillsInFlight => _inFlight.Count;

    /// <summary>
    /// A fresh level-1 answer, if any. A hit on a valid entry in its last part of life starts that entry's one
    /// background revalidation; the caller keeps the cached answer either way.
    /// </summary>
    public bool TryGet(string token, in TokenHash key, TokenRoute route, long nowTicks, [MaybeNullWhen(false)] out CacheEntry entry)
    {
        if (_valid.TryGet(key, nowTicks, out entry) && entry.ExpiresAtTicks > nowTicks)
        {
            if (nowTicks >= entry.RefreshAtTicks && entry.TryClaimRefresh())
            {
                StartRefresh(token, key, route, entry);
            }

            return true;
        }

        return _negative.TryGet(key, nowTicks, out entry);
    }

    /// <summary>
    /// Whether a miss on <paramref name="key"/> costs the issuer nothing new: a fill is already running, or level 1 holds
    /// an answer being kept for stale-if-error.
    /// </summary>
    public bool IsKnown(in TokenHash key, long nowTicks) => _inFlight.ContainsKey(key) || _valid.TryGet(key, nowTicks, out _);

    /// <summary>
    /// The answer after a level-1 miss at <paramref name="nowTicks"/>: shared with a fill in flight, or from a fill this
    /// call starts.
    /// </summary>
    /// <remarks>
    /// Not an async method: it hands back the fill's own task (<see cref="Task.WaitAsync(CancellationToken)"/> returns it
    /// as it is for a token that cannot be cancelled), so a miss carries no state machine of its own. The fill's task
    /// never faults (<see cref="RunFillAsync"/> turns every failure into a result).
    /// </remarks>
    public ValueTask<TokenCheckResult> GetOrFillAsync(string token, TokenHash key, TokenRoute route, long nowTicks, CancellationToken cancellationToken)
    {
        var fill = new TaskCompletionSource<TokenCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(key, fill.Task);
        if (shared != fill.Task)
        {
            _diagnostics.CoalescedWait();
            return Await(shared, cancellationToken);
        }

        // The slot is ours, but a fill may have written level 1 and left the table since this request missed.
        if (TryGetFresh(key, nowTicks, out var entry))
        {
            _inFlight.TryRemove(new KeyValuePair<TokenHash, Task<TokenCheckResult>>(key, fill.Task));
            fill.SetResult(entry.Result);
            return new(entry.Result);
        }

        // The fill belongs to everyone waiting, so it ignores this caller's cancellation.
        _ = RunFillAsync(token, key, route, fill, refreshing: null);
        return Await(fill.Task, cancellationToken);
    }

    private static ValueTask<TokenCheckResult> Await(Task<TokenCheckResult> fill, CancellationToken cancellationToken) =>
        fill.IsCompletedSuccessfully ? new(fill.Result) : new(fill.WaitAsync(cancellationToken));

    /// <summary>Forgets <paramref name="key"/> in both levels (logout, revocation).</summary>
    public async ValueTask RemoveAsync(TokenHash key, CancellationToken cancellationToken)
    {
        RemoveLocal(key);
        await _l2.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops <paramref name="key"/> from level 1 only (another replica's invalidation; it removed level 2 itself).</summary>
    public void RemoveLocal(in TokenHash key)
    {
        _valid.Remove(key);
        _negative.Remove(key);
    }

    private bool TryGetFresh(in TokenHash key, long nowTicks, [MaybeNullWhen(false)] out CacheEntry entry) =>
        (_valid.TryGet(key, nowTicks, out entry) && entry.ExpiresAtTicks > nowTicks) || _negative.TryGet(key, nowTicks, out entry);

    private void StartRefresh(string token, TokenHash key, TokenRoute route, CacheEntry current)
    {
        var fill = new TaskCompletionSource<TokenCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inFlight.TryAdd(key, fill.Task))
        {
            // A fill is already running for this token: whatever it learns replaces the entry.
            return;
        }

        _diagnostics.RefreshAhead(route.Name);

        // On the thread pool, so no caller runs even the synchronous start of a validator; detached from the request
        // that happened to trigger it, whose trace ends long before.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => RunFillAsync(token, key, route, fill, current));
        }
    }

    // One async method for the whole fill (level 2, the issuer, the store): each layer that waits on I/O would box
    // its own state machine on every miss.
    private async Task RunFillAsync(string token, TokenHash key, TokenRoute route, TaskCompletionSource<TokenCheckResult> fill, CacheEntry? refreshing)
    {
        TokenCheckResult result;
        Activity? activity = null;
        try
        {
            activity = _diagnostics.ActivitySource.StartActivity(refreshing is null ? "TokenValidation.Fill" : "TokenValidation.Refresh");
            activity?.SetTag(TokenValidationTags.Source, route.Name);

            // On a refresh, level 2 counts only when another replica has renewed the entry since: one upstream call per
            // token per lifetime for the whole fleet. The entry comes back timed for level 1 (see Timed).
            var cached = await _l2.GetAsync(key, _timed, CancellationToken.None).ConfigureAwait(false);
            if (cached is not null && (refreshing is null || cached.ExpiresAtTicks > refreshing.ExpiresAtTicks))
            {
                result = UseLevel2(key, cached, activity);
            }
            else
            {
                if (cached is null && _l2.IsEnabled)
                {
                    _diagnostics.CacheMiss("l2");
                }

                result = await _upstream(token, key, route).ConfigureAwait(false);
                result = await AfterUpstream(key, route, result, refreshing, activity).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Log.ValidatorThrew(_logger, route.Name, key.ToShortString(), ex.ToString().Replace(token, "[token]", StringComparison.Ordinal));
            result = TokenCheckResult.Unavailable("The token could not be checked.");
        }
        finally
        {
            activity?.Dispose();

            // Level 1 holds the answer before the entry goes (see the remarks); a failure goes only to those already
            // waiting, and the next request starts afresh.
            _inFlight.TryRemove(new KeyValuePair<TokenHash, Task<TokenCheckResult>>(key, fill.Task));
        }

        fill.SetResult(result);
    }

    private TokenCheckResult UseLevel2(in TokenHash key, CacheEntry cached, Activity? activity)
    {
        _diagnostics.CacheHit("l2");
        activity?.SetTag(TokenValidationTags.CacheLevel, "l2");
        activity?.SetTag(TokenValidationTags.Outcome, TokenValidationDiagnostics.OutcomeName(cached.Result.Outcome));

        // The L2 entry keeps its own expiry: L1 gets the remaining life, not a fresh one.
        StoreInMemory(key, cached, _time.GetUtcNow().UtcTicks);
        return cached.Result;
    }

    // Not async: the store's own ValueTask is handed back, so a fill without level 2 adds no state machine here.
    private ValueTask<TokenCheckResult> AfterUpstream(TokenHash key, TokenRoute route, TokenCheckResult result, CacheEntry? refreshing, Activity? activity)
    {
        if (activity is not null)
        {
            activity.SetTag(TokenValidationTags.Outcome, TokenValidationDiagnostics.OutcomeName(result.Outcome));
            if (result.Outcome == TokenValidationOutcome.Unavailable)
            {
                activity.SetStatus(ActivityStatusCode.Error, result.ErrorDescription);
            }
        }

        if (result.Outcome == TokenValidationOutcome.Unavailable)
        {
            // A refresh that could not reach the issuer leaves the entry to live out its time.
            return new(refreshing is null && TryServeStale(key, route, out var stale) ? stale : result);
        }

        IssuerAnswered();
        return StoreAsync(key, route, result, replacesValid: refreshing is not null);
    }

    private async ValueTask<TokenCheckResult> StoreAsync(TokenHash key, TokenRoute route, TokenCheckResult result, bool replacesValid)
    {
        var now = _time.GetUtcNow();
        var expiresAt = Expiry(result, now);
        if (expiresAt is not { } at || at <= now)
        {
            // Not kept, or already over: a valid entry this answer replaces (a revocation seen by a refresh) must go.
            _valid.Remove(key);
            if (replacesValid)
            {
                await _l2.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
            }

            return result.IsValid ? TokenCheckResult.Invalid("The token has expired.") : result;
        }

        var entry = Timed(result, at);
        StoreInMemory(key, entry, now.UtcTicks);
        if (result.IsValid || !route.IsLocal)
        {
            await _l2.SetAsync(key, entry, CancellationToken.None).ConfigureAwait(false);
        }
        else if (replacesValid)
        {
            // A local validator's no is cheaper to compute again than to share, but the valid value it replaces must go.
            await _l2.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }

        return result;
    }

    private void StoreInMemory(in TokenHash key, CacheEntry entry, long nowTicks)
    {
        if (entry.Result.IsValid)
        {
            _valid.Set(key, entry, nowTicks);
            _negative.Remove(key);
        }
        else
        {
            _negative.Set(key, entry, nowTicks);
            _valid.Remove(key);
        }
    }

    /// <summary>
    /// The entry with its refresh point and retention: both only for valid answers. An entry another replica put in level
    /// 2 is refreshed in the second half of the window only, so the replica that asked the issuer renews it first and the
    /// others find the renewal in level 2 instead of asking again at the same moment.
    /// </summary>
    private CacheEntry Timed(TokenCheckResult result, DateTimeOffset expiresAt, bool fromLevel2 = false)
    {
        if (result.Identity is not { } identity)
        {
            return new CacheEntry(result, expiresAt);
        }

        // An entry cut short by the token's own expiry gains nothing from a refresh, nor from a stale window.
        var tokenExpiry = identity.ExpiresAt ?? DateTimeOffset.MaxValue;
        bool cappedByToken = tokenExpiry <= expiresAt;
        long retainUntil = expiresAt.UtcTicks;
        if (_options.StaleIfErrorWindow > TimeSpan.Zero && !cappedByToken)
        {
            retainUntil = Math.Min(expiresAt.UtcTicks + Math.Min(_options.StaleIfErrorWindow.Ticks, DateTimeOffset.MaxValue.UtcTicks - expiresAt.UtcTicks), tokenExpiry.UtcTicks);
        }

        return new CacheEntry(result, expiresAt)
        {
            RefreshAtTicks = _refreshAheadTicks > 0 && !cappedByToken ? expiresAt.UtcTicks - (fromLevel2 ? _refreshAheadTicks / 2 : _refreshAheadTicks) : long.MaxValue,
            RetainUntilTicks = retainUntil,
        };
    }

    private bool TryServeStale(in TokenHash key, TokenRoute route, [MaybeNullWhen(false)] out TokenCheckResult stale)
    {
        stale = null;
        long now = _time.GetUtcNow().UtcTicks;
        if (_options.StaleIfErrorWindow <= TimeSpan.Zero || !_valid.TryGet(key, now, out var entry) || !entry.Result.IsValid)
        {
            return false;
        }

        _diagnostics.StaleServed(route.Name);
        if (Interlocked.Exchange(ref _servingStale, 1) == 0)
        {
            Log.ServingStale(_logger, route.Name, _options.StaleIfErrorWindow);
        }

        stale = entry.Result;
        return true;
    }

    private void IssuerAnswered()
    {
        if (Volatile.Read(ref _servingStale) != 0 && Interlocked.Exchange(ref _servingStale, 0) != 0)
        {
            Log.StaleServingEnded(_logger);
        }
    }

    private DateTimeOffset? Expiry(TokenCheckResult result, DateTimeOffset now) => result.Outcome switch
    {
        TokenValidationOutcome.Valid => Min(now + _options.Lifetime, result.Identity!.ExpiresAt),
        TokenValidationOutcome.Invalid when result.IsCacheable && _options.InvalidLifetime > TimeSpan.Zero => now + _options.InvalidLifetime,
        _ => null,
    };

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset? b) => b is { } v && v < a ? v : a;
}
