using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Retry;
using TokenValidation.Diagnostics;

namespace TokenValidation.Resilience;

/// <summary>
/// What the library keeps of one HttpClient's resilience pipeline: the circuit's state as the health check reads it,
/// and the pipeline's events turned into the library's own metrics and logs. One per client name and container (a
/// keyed singleton), like the pipeline itself in the package's registry, so it outlives every handler the factory
/// recycles and two hosts in one process never share a circuit.
/// </summary>
/// <remarks>
/// The state is tracked from the breaker's callbacks rather than a <see cref="CircuitBreakerStateProvider"/>: Polly
/// runs the callbacks in order and before the call that caused them returns, and a provider can be attached to one
/// breaker only, which the registry does not promise (it may build a pipeline twice under a race and keep one).
/// </remarks>
internal sealed class UpstreamResilience
{
    private readonly string _source;
    private readonly bool _enabled;
    private readonly TimeProvider _time;
    private readonly TokenValidationDiagnostics _diagnostics;
    private readonly ILogger _logger;
    private int _state = (int)CircuitState.Closed;
    private long _openUntilTicks;

    public UpstreamResilience(string source, bool enabled, TimeProvider time, TokenValidationDiagnostics diagnostics, ILogger logger)
    {
        _source = source;
        _enabled = enabled;
        _time = time;
        _diagnostics = diagnostics;
        _logger = logger;
    }

    /// <summary>The circuit's state, or <see langword="null"/> when the pipeline is off.</summary>
    public CircuitState? State => _enabled ? (CircuitState)Volatile.Read(ref _state) : null;

    /// <summary>
    /// While the circuit is open: how long until it lets a probe through. Polly moves to half-open only when a call
    /// arrives, so an idle open circuit whose break has ended reports <see cref="TimeSpan.Zero"/> here.
    /// </summary>
    public TimeSpan? RemainingBreak
    {
        get
        {
            if (State is not CircuitState.Open)
            {
                return null;
            }

            long remaining = Volatile.Read(ref _openUntilTicks) - _time.GetUtcNow().UtcTicks;
            return remaining > 0 ? TimeSpan.FromTicks(remaining) : TimeSpan.Zero;
        }
    }

    public ValueTask OnRetry(OnRetryArguments<HttpResponseMessage> args)
    {
        string reason = TransientFailure.Reason(args.Outcome);
        _diagnostics.UpstreamRetry(_source, reason);
        Log.UpstreamRetrying(_logger, _source, reason, args.AttemptNumber + 1, args.RetryDelay);
        return default;
    }

    public ValueTask OnOpened(OnCircuitOpenedArguments<HttpResponseMessage> args)
    {
        // The breaker runs on the container's clock (see TokenValidationResilience), so the break ends on it too.
        Volatile.Write(ref _openUntilTicks, (_time.GetUtcNow() + args.BreakDuration).UtcTicks);
        Volatile.Write(ref _state, (int)CircuitState.Open);
        _diagnostics.CircuitStateChanged(_source, CircuitState.Open);
        Log.CircuitOpened(_logger, _source, args.BreakDuration, TransientFailure.Reason(args.Outcome));
        return default;
    }

    public ValueTask OnHalfOpened(OnCircuitHalfOpenedArguments args)
    {
        Volatile.Write(ref _state, (int)CircuitState.HalfOpen);
        _diagnostics.CircuitStateChanged(_source, CircuitState.HalfOpen);
        Log.CircuitHalfOpened(_logger, _source);
        return default;
    }

    public ValueTask OnClosed(OnCircuitClosedArguments<HttpResponseMessage> args)
    {
        Volatile.Write(ref _state, (int)CircuitState.Closed);
        _diagnostics.CircuitStateChanged(_source, CircuitState.Closed);
        Log.CircuitClosed(_logger, _source);
        return default;
    }
}
