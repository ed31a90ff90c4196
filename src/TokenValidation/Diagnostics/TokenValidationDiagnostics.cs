using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TokenValidation.Diagnostics;

/// <summary>
/// The library's <see cref="Meter"/> and <see cref="ActivitySource"/>, both named <see cref="Name"/>. Subscribe with
/// OpenTelemetry's <c>AddMeter("TokenValidation")</c> and <c>AddSource("TokenValidation")</c>.
/// </summary>
public sealed class TokenValidationDiagnostics : IDisposable
{
    /// <summary>The name of the meter and the activity source.</summary>
    public const string Name = "TokenValidation";

    private readonly Meter _meter;
    private readonly Counter<long> _validations;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _upstreamCalls;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _coalescedWaits;
    private readonly Counter<long> _distributedCacheFailures;
    private readonly Counter<long> _bulkheadRejections;

    /// <summary>Creates the instruments from <paramref name="meterFactory"/>.</summary>
    public TokenValidationDiagnostics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(Name);
        ActivitySource = new ActivitySource(Name);
        _validations = _meter.CreateCounter<long>("tokenvalidation.validations", "{validation}", "Validations by outcome and source.");
        _cacheHits = _meter.CreateCounter<long>("tokenvalidation.cache.hits", "{hit}", "Cache hits by level (l1, l2).");
        _cacheMisses = _meter.CreateCounter<long>("tokenvalidation.cache.misses", "{miss}", "Cache misses by level (l1, l2).");
        _upstreamCalls = _meter.CreateCounter<long>("tokenvalidation.upstream.calls", "{call}", "Calls to a token's issuer by source and outcome.");
        _upstreamDuration = _meter.CreateHistogram<double>("tokenvalidation.upstream.duration", "s", "Duration of calls to a token's issuer.");
        _coalescedWaits = _meter.CreateCounter<long>("tokenvalidation.coalesced_waits", "{wait}", "Requests that waited on another request's upstream call for the same token.");
        _distributedCacheFailures = _meter.CreateCounter<long>("tokenvalidation.cache.l2.failures", "{failure}", "Level-2 cache reads or writes that failed or timed out.");
        _bulkheadRejections = _meter.CreateCounter<long>("tokenvalidation.upstream.rejections", "{rejection}", "Cache misses answered Unavailable because too many upstream calls were in flight.");
    }

    /// <summary>The activity source for upstream calls and cache fills.</summary>
    public ActivitySource ActivitySource { get; }

    internal void Validation(TokenValidationOutcome outcome, string source)
    {
        if (_validations.Enabled)
        {
            _validations.Add(1, new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)), new KeyValuePair<string, object?>("source", source));
        }
    }

    internal void CacheHit(string level)
    {
        if (_cacheHits.Enabled)
        {
            _cacheHits.Add(1, new KeyValuePair<string, object?>("level", level));
        }
    }

    internal void CacheMiss(string level)
    {
        if (_cacheMisses.Enabled)
        {
            _cacheMisses.Add(1, new KeyValuePair<string, object?>("level", level));
        }
    }

    internal void UpstreamCall(string source, TokenValidationOutcome outcome, TimeSpan duration)
    {
        var sourceTag = new KeyValuePair<string, object?>("source", source);
        _upstreamCalls.Add(1, sourceTag, new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));
        _upstreamDuration.Record(duration.TotalSeconds, sourceTag);
    }

    internal void CoalescedWait() => _coalescedWaits.Add(1);

    internal void DistributedCacheFailure(string operation) =>
        _distributedCacheFailures.Add(1, new KeyValuePair<string, object?>("operation", operation));

    internal void BulkheadRejection() => _bulkheadRejections.Add(1);

    internal static string OutcomeName(TokenValidationOutcome outcome) => outcome switch
    {
        TokenValidationOutcome.Valid => "valid",
        TokenValidationOutcome.Invalid => "invalid",
        _ => "unavailable",
    };

    /// <inheritdoc />
    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
