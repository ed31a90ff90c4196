using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using TokenValidation.AuthKit;
using TokenValidation.Diagnostics;

namespace TokenValidation.Resilience;

/// <summary>
/// The one resilience pipeline for calls to AuthKit, shared by every handler instance the <c>IHttpClientFactory</c>
/// creates (handlers are recycled every few minutes; the circuit's memory must not be). A singleton per container,
/// so two hosts in one process never share a circuit.
/// </summary>
/// <remarks>Outermost first: total timeout, retry, circuit breaker, attempt timeout (see <see cref="AuthKitResilienceOptions"/>).</remarks>
internal sealed class AuthKitResiliencePipeline
{
    private const string Source = TokenSources.AuthKit;

    private readonly CircuitBreakerStateProvider? _circuit;
    private readonly TimeProvider _time;
    private long _openUntilTicks;

    public AuthKitResiliencePipeline(
        IOptions<AuthKitOptions> options,
        TimeProvider time,
        TokenValidationDiagnostics diagnostics,
        ILogger<AuthKitResiliencePipeline> logger)
    {
        var authKit = options.Value;
        var resilience = authKit.Resilience;
        _time = time;
        if (!resilience.Enabled)
        {
            return;
        }

        // Two clocks, on purpose. Waits that bound real I/O (the timeouts, the back-off before a retry) run on the real
        // clock, like HttpClient's and the socket's own timeouts: a fake clock cannot make a socket answer sooner, and
        // an application that fakes time to test its cache lifetimes must not find every 5xx frozen in a back-off.
        // The breaker's bookkeeping (sampling window, break) is policy, like the cache lifetimes: it follows the
        // container's TimeProvider, so tests can open and half-open the circuit without waiting.
        _circuit = new CircuitBreakerStateProvider();
        var breaker = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = AuthKitDefaults.HttpClientName, TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = resilience.FailureRatio,
                SamplingDuration = resilience.SamplingDuration,
                MinimumThroughput = resilience.MinimumThroughput,
                BreakDuration = resilience.BreakDuration,
                ShouldHandle = args => new(TransientFailure.IsTransient(args.Outcome)),
                StateProvider = _circuit,
                OnOpened = args =>
                {
                    Volatile.Write(ref _openUntilTicks, (_time.GetUtcNow() + args.BreakDuration).UtcTicks);
                    diagnostics.CircuitStateChanged(Source, CircuitState.Open);
                    Log.CircuitOpened(logger, args.BreakDuration, TransientFailure.Reason(args.Outcome));
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    diagnostics.CircuitStateChanged(Source, CircuitState.HalfOpen);
                    Log.CircuitHalfOpened(logger);
                    return default;
                },
                OnClosed = _ =>
                {
                    diagnostics.CircuitStateChanged(Source, CircuitState.Closed);
                    Log.CircuitClosed(logger);
                    return default;
                },
            })
            .Build();

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = AuthKitDefaults.HttpClientName, TimeProvider = TimeProvider.System };
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = authKit.Timeout });
        if (resilience.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = resilience.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = resilience.RetryDelay,
                ShouldHandle = args => new(ShouldRetry(args.Outcome, resilience.MaxRetryAfter)),
                DelayGenerator = args => new(args.Outcome.Result is { } response ? TransientFailure.RetryAfter(response, _time) : null),
                OnRetry = args =>
                {
                    string reason = TransientFailure.Reason(args.Outcome);
                    diagnostics.UpstreamRetry(Source, reason);
                    Log.UpstreamRetrying(logger, reason, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            });
        }

        builder.AddPipeline(breaker);
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = resilience.AttemptTimeout < authKit.Timeout ? resilience.AttemptTimeout : authKit.Timeout });
        Pipeline = builder.Build();
    }

    /// <summary>The pipeline, or <see langword="null"/> when <see cref="AuthKitResilienceOptions.Enabled"/> is off.</summary>
    public ResiliencePipeline<HttpResponseMessage>? Pipeline { get; }

    /// <summary>The circuit's state, or <see langword="null"/> when the pipeline is off.</summary>
    public CircuitState? State => _circuit?.CircuitState;

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

    private bool ShouldRetry(in Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter)
    {
        if (!TransientFailure.IsTransient(outcome))
        {
            return false;
        }

        // An upstream that asks for a long pause gets it: waiting inside the request would only run out the total
        // timeout, so the hint goes back to the client as its Retry-After instead.
        return outcome.Result is not { } response || TransientFailure.RetryAfter(response, _time) is not { } wait || wait <= maxRetryAfter;
    }
}
