using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polly.CircuitBreaker;

namespace TokenValidation.Diagnostics;

/// <summary>
/// The library's <see cref="Meter"/> and <see cref="ActivitySource"/>, both named <see cref="Name"/>. Subscribe with
/// OpenTelemetry's <c>AddMeter("TokenValidation")</c> and <c>AddSource("TokenValidation")</c>; the calls to an issuer
/// are traced by HttpClient itself (source <c>System.Net.Http</c>), under the fill that made them.
/// </summary>
/// <remarks>
/// Instruments, with their tags (see the README's table; no tag ever carries a token or its hash):
/// <list type="bullet">
/// <item><c>tokenvalidation.validations</c> [outcome, source]: every answer, hit or miss.</item>
/// <item><c>tokenvalidation.cache.hits</c>, <c>tokenvalidation.cache.misses</c> [cache.level].</item>
/// <item><c>tokenvalidation.upstream.calls</c> [source, outcome] and <c>tokenvalidation.upstream.duration</c> (s) [source, outcome]: validator calls on a cache miss.</item>
/// <item><c>tokenvalidation.coalesced_waits</c>: misses that waited on another request's call for the same token.</item>
/// <item><c>tokenvalidation.cache.l2.failures</c> [cache.operation].</item>
/// <item><c>tokenvalidation.upstream.rejections</c> [source]: misses answered Unavailable at once by the validator's bulkhead.</item>
/// <item><c>tokenvalidation.cache.refreshes</c> [source]: background revalidations started by a hit late in an entry's life.</item>
/// <item><c>tokenvalidation.cache.stale_served</c> [source]: expired valid answers served because the issuer was unavailable (stale if error).</item>
/// <item><c>tokenvalidation.rate_limited</c> [source]: cache misses answered 429 by the per-client limit.</item>
/// <item><c>tokenvalidation.upstream.retries</c> [source, retry.reason].</item>
/// <item><c>tokenvalidation.circuit.transitions</c> [source, circuit.state].</item>
/// <item><c>tokenvalidation.circuit.rejections</c> [source]: misses answered Unavailable at once by an open circuit.</item>
/// </list>
/// Every tag name is prefixed <c>tokenvalidation.</c>.
/// </remarks>
public sealed class TokenValidationDiagnostics : IDisposable
{
    /// <summary>The name of the meter and the activity source.</summary>
    public const string Name = "TokenValidation";

    // Calls to an issuer take from about a millisecond (loopback, a warm connection) to the 10 s a timeout allows. The
    // upper part is OpenTelemetry's advice for http.client.request.duration; its default buckets (0, 5, 10, … 10000)
    // were made for milliseconds and would put every call in seconds into the first one.
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private static readonly string? Version = typeof(TokenValidationDiagnostics).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    private readonly Meter _meter;
    private readonly Counter<long> _validations;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _upstreamCalls;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _coalescedWaits;
    private readonly Counter<long> _distributedCacheFailures;
    private readonly Counter<long> _bulkheadRejections;
    private readonly Counter<long> _upstreamRetries;
    private readonly Counter<long> _circuitTransitions;
    private readonly Counter<long> _circuitRejections;
    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _staleServed;
    private readonly Counter<long> _rateLimited;

    /// <summary>
    /// Registers the one instance every part of the library shares, by factory (the constructor is internal), whichever
    /// registration runs first.
    /// </summary>
    internal static void TryAdd(IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(static sp => new TokenValidationDiagnostics(sp.GetRequiredService<IMeterFactory>()));
    }

    internal TokenValidationDiagnostics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(new MeterOptions(Name) { Version = Version });
        ActivitySource = new ActivitySource(Name, Version);
        _validations = _meter.CreateCounter<long>("tokenvalidation.validations", "{validation}", "Validations by outcome and source.");
        _cacheHits = _meter.CreateCounter<long>("tokenvalidation.cache.hits", "{hit}", "Cache hits by level (l1, l2).");
        _cacheMisses = _meter.CreateCounter<long>("tokenvalidation.cache.misses", "{miss}", "Cache misses by level (l1, l2).");
        _upstreamCalls = _meter.CreateCounter<long>("tokenvalidation.upstream.calls", "{call}", "Calls to a token's issuer by source and outcome.");
        _upstreamDuration = _meter.CreateHistogram(
            "tokenvalidation.upstream.duration",
            "s",
            "Duration of calls to a token's issuer, retries included.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _coalescedWaits = _meter.CreateCounter<long>("tokenvalidation.coalesced_waits", "{wait}", "Requests that waited on another request's upstream call for the same token.");
        _distributedCacheFailures = _meter.CreateCounter<long>("tokenvalidation.cache.l2.failures", "{failure}", "Level-2 cache reads or writes that failed or timed out.");
        _bulkheadRejections = _meter.CreateCounter<long>("tokenvalidation.upstream.rejections", "{rejection}", "Cache misses answered Unavailable because too many upstream calls were in flight.");
        _upstreamRetries = _meter.CreateCounter<long>("tokenvalidation.upstream.retries", "{retry}", "Calls to a token's issuer retried after a transient failure, by source and reason.");
        _circuitTransitions = _meter.CreateCounter<long>("tokenvalidation.circuit.transitions", "{transition}", "Circuit breaker state changes, by source and the state entered.");
        _refreshes = _meter.CreateCounter<long>("tokenvalidation.cache.refreshes", "{refresh}", "Background revalidations started by a hit in the last part of a valid entry's life, by source.");
        _staleServed = _meter.CreateCounter<long>("tokenvalidation.cache.stale_served", "{answer}", "Expired valid answers served because the issuer was unavailable (stale if error), by source.");
        _rateLimited = _meter.CreateCounter<long>("tokenvalidation.rate_limited", "{miss}", "Cache misses answered 429 because their client exceeded its limit on new tokens, by source.");
        _circuitRejections = _meter.CreateCounter<long>("tokenvalidation.circuit.rejections", "{rejection}", "Cache misses answered Unavailable without calling the issuer because its circuit was open.");
    }

    /// <summary>The activity source for cache fills (a span per token checked with its issuer or read from level 2).</summary>
    public ActivitySource ActivitySource { get; }

    internal void Validation(TokenValidationOutcome outcome, string source)
    {
        if (_validations.Enabled)
        {
            _validations.Add(1, new(TokenValidationTags.Outcome, OutcomeName(outcome)), new(TokenValidationTags.Source, source));
        }
    }

    internal void CacheHit(string level)
    {
        if (_cacheHits.Enabled)
        {
            _cacheHits.Add(1, new KeyValuePair<string, object?>(TokenValidationTags.CacheLevel, level));
        }
    }

    internal void CacheMiss(string level)
    {
        if (_cacheMisses.Enabled)
        {
            _cacheMisses.Add(1, new KeyValuePair<string, object?>(TokenValidationTags.CacheLevel, level));
        }
    }

    /// <summary>Whether upstream calls' durations are recorded (someone listens to the histogram).</summary>
    internal bool TimesUpstreamCalls => _upstreamDuration.Enabled;

    internal void UpstreamCall(string source, TokenValidationOutcome outcome, TimeSpan? duration)
    {
        var sourceTag = new KeyValuePair<string, object?>(TokenValidationTags.Source, source);
        var outcomeTag = new KeyValuePair<string, object?>(TokenValidationTags.Outcome, OutcomeName(outcome));
        _upstreamCalls.Add(1, sourceTag, outcomeTag);
        if (duration is { } elapsed)
        {
            _upstreamDuration.Record(elapsed.TotalSeconds, sourceTag, outcomeTag);
        }
    }

    internal void UpstreamRetry(string source, string reason) =>
        _upstreamRetries.Add(1, new(TokenValidationTags.Source, source), new(TokenValidationTags.RetryReason, reason));

    internal void CircuitStateChanged(string source, CircuitState state) =>
        _circuitTransitions.Add(1, new(TokenValidationTags.Source, source), new(TokenValidationTags.CircuitState, CircuitStateName(state)));

    internal void CircuitRejection(string source) =>
        _circuitRejections.Add(1, new KeyValuePair<string, object?>(TokenValidationTags.Source, source));

    internal void CoalescedWait() => _coalescedWaits.Add(1);

    internal void DistributedCacheFailure(string operation) =>
        _distributedCacheFailures.Add(1, new KeyValuePair<string, object?>(TokenValidationTags.CacheOperation, operation));

    internal void BulkheadRejection(string source) =>
        _bulkheadRejections.Add(1, new KeyValuePair<string, object?>(TokenValidationTags.Source, source));

    internal void RefreshAhead(string source) =>
        _refreshes.Add(1, new KeyValuePair<string, object?>(TokenValidationTags.Source, source));

    internal void StaleServed(string source) =>
        _staleServed.Add(1, new KeyValuePair<string, object?>(TokenValidationTags.Source, source));

    internal void MissRateLimited(string source) =>
        _rateLimited.Add(1, new KeyValuePair<string, object?>(TokenValidationTags.Source, source));

    internal static string OutcomeName(TokenValidationOutcome outcome) => outcome switch
    {
        TokenValidationOutcome.Valid => "valid",
        TokenValidationOutcome.Invalid => "invalid",
        _ => "unavailable",
    };

    internal static string CircuitStateName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        _ => "isolated",
    };

    /// <inheritdoc />
    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
