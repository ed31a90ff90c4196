namespace TokenValidation.Resilience;

/// <summary>
/// The resilience pipeline around the AuthKit userinfo call. Bound from <c>TokenValidation:AuthKit:Resilience</c>.
/// </summary>
/// <remarks>
/// <para>
/// The pipeline is Microsoft.Extensions.Http.Resilience's <c>AddResilienceHandler</c>, outermost first: a total timeout
/// (<see cref="AuthKit.AuthKitOptions.Timeout"/>), a retry of transient failures, a circuit breaker, and a per-attempt
/// timeout (<see cref="AttemptTimeout"/>) — the order of the package's standard handler, so the breaker sees every
/// attempt and a retry never waits on an open circuit. The authority's metadata client runs through the same pipeline
/// (its own circuit) with these settings.
/// </para>
/// <para>
/// Transient failures are a refused or broken connection, an attempt that timed out, HTTP 408, 429 and 5xx. HTTP 400,
/// 401 and 403 are AuthKit saying no: they are never retried and never count against the circuit. Neither does 429:
/// the issuer limiting calls (which a flood of garbage from one client can provoke) must not shut every new token out.
/// </para>
/// <para>
/// Timeouts and retry waits bound real I/O and run on the real clock; the breaker's sampling window and break are
/// measured with the registered <see cref="TimeProvider"/>, like the cache lifetimes.
/// </para>
/// <para>
/// To use your own handlers instead (for example <c>AddStandardResilienceHandler()</c> on
/// <see cref="TokenValidationBuilder.AuthKitHttpClient"/>), set <see cref="Enabled"/> to <see langword="false"/>.
/// </para>
/// </remarks>
public sealed class AuthKitResilienceOptions
{
    /// <summary>Whether the library's pipeline runs. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long one HTTP attempt may take before it is abandoned (and retried, time permitting). Default 2 seconds:
    /// short enough that a retry still fits inside the default total <see cref="AuthKit.AuthKitOptions.Timeout"/> of
    /// 5 seconds. Capped at that total: setting only <see cref="AuthKit.AuthKitOptions.Timeout"/> lower lowers this too.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries after a transient failure. Default 1; 0 turns retries off. At most 5.</summary>
    public int MaxRetryAttempts { get; set; } = 1;

    /// <summary>
    /// The median wait before a retry; each wait is jittered so replicas that failed together do not retry together.
    /// Default 200 milliseconds.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A 429 or 503 whose <c>Retry-After</c> asks for at most this long is retried after exactly that wait; one that
    /// asks for longer is not retried, and its <c>Retry-After</c> is handed to the client instead. Default 1 second.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The circuit opens when at least this share of the attempts in <see cref="SamplingDuration"/> failed
    /// transiently (and there were at least <see cref="MinimumThroughput"/>). Default 0.1, as the package's standard
    /// handler; between 0 and 1.
    /// </summary>
    public double FailureRatio { get; set; } = 0.1;

    /// <summary>The window over which <see cref="FailureRatio"/> is measured. Default 30 seconds; at least 0.5 seconds.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The fewest attempts in <see cref="SamplingDuration"/> before the circuit may open. Default 100, as the package's
    /// standard handler: a handful of failures on a quiet server (each miss is up to two attempts) never opens it.
    /// At least 2.
    /// </summary>
    public int MinimumThroughput { get; set; } = 100;

    /// <summary>
    /// How long the circuit stays open: cache misses answer Unavailable at once, with what remains of the break as their
    /// <c>Retry-After</c>, and AuthKit is not called. Then one call probes it (half-open), so new tokens are served
    /// again at most this long after the issuer recovers. Default 5 seconds, as the package's standard handler; at
    /// least 0.5 seconds.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
