using System.Diagnostics;
using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;

namespace TokenValidation.Diagnostics;

/// <summary>
/// The library's <see cref="Meter"/> and <see cref="ActivitySource"/>, both named <see cref="Name"/>. Subscribe with
/// OpenTelemetry's <c>AddMeter("TokenValidation")</c> and <c>AddSource("TokenValidation")</c>.
/// </summary>
/// <remarks>
/// Instruments (tags in brackets; no tag ever carries a token or its hash):
/// <list type="bullet">
/// <item><c>tokenvalidation.validations</c> [outcome: valid|invalid|unavailable, source: authkit|api_key|…|none]: every answer, hit or miss.</item>
/// <item><c>tokenvalidation.cache.hits</c>, <c>tokenvalidation.cache.misses</c> [level: l1|l2].</item>
/// <item><c>tokenvalidation.upstream.calls</c> [source, outcome] and <c>tokenvalidation.upstream.duration</c> (s) [source, outcome]: validator calls on a cache miss.</item>
/// <item><c>tokenvalidation.coalesced_waits</c>: misses that waited on another request's call for the same token.</item>
/// <item><c>tokenvalidation.cache.l2.failures</c> [operation: read|write|remove].</item>
/// <item><c>tokenvalidation.upstream.rejections</c>: misses answered Unavailable at once by the bulkhead.</item>
/// <item><c>tokenvalidation.upstream.retries</c> [source, reason: timeout|connection|http_5xx|http_429|http_408].</item>
/// <item><c>tokenvalidation.circuit.transitions</c> [source, state: open|half_open|closed].</item>
/// <item><c>tokenvalidation.circuit.rejections</c> [source]: misses answered Unavailable at once by an open circuit.</item>
/// </list>
/// </remarks>
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
    private readonly Counter<long> _upstreamRetries;
    private readonly Counter<long> _circuitTransitions;
    private readonly Counter<long> _circuitRejections;

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
        _upstreamRetries = _meter.CreateCounter<long>("tokenvalidation.upstream.retries", "{retry}", "Calls to a token's issuer retried after a transient failure, by source and reason.");
        _circuitTransitions = _meter.CreateCounter<long>("tokenvalidation.circuit.transitions", "{transition}", "Circuit breaker state changes, by source and the state entered.");
        _circuitRejections = _meter.CreateCounter<long>("tokenvalidation.circuit.rejections", "{rejection}", "Cache misses answered Unavailable without calling the issuer because its circuit was open.");
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
        var outcomeTag = new KeyValuePair<string, object?>("outcome", OutcomeName(outcome));
        _upstreamCalls.Add(1, sourceTag, outcomeTag);
        _upstreamDuration.Record(duration.TotalSeconds, sourceTag, outcomeTag);
    }

    internal void UpstreamRetry(string source, string reason) =>
        _upstreamRetries.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("reason", reason));

    internal void CircuitStateChanged(string source, CircuitState state) =>
        _circuitTransitions.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("state", CircuitStateName(state)));

    internal void CircuitRejection(string source) =>
        _circuitRejections.Add(1, new KeyValuePair<string, object?>("source", source));

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
