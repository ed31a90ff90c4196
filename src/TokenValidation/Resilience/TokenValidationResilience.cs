using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;
using TokenValidation.Diagnostics;

namespace TokenValidation.Resilience;

/// <summary>
/// The one resilience pipeline for every HttpClient the library owns (AuthKit userinfo, the authority's metadata, and
/// the clients that come next): <c>AddResilienceHandler</c> from Microsoft.Extensions.Http.Resilience, configured from
/// <see cref="AuthKitResilienceOptions"/>. Outermost first: total timeout, retry, circuit breaker, attempt timeout —
/// the order of the package's standard handler, so the breaker sees every attempt and a retry never waits on an open
/// circuit.
/// </summary>
/// <remarks>
/// <para>
/// The package keeps the pipeline in its registry under the client's name, one per container: the factory recycles the
/// handler every few minutes, and each new handler gets the same pipeline back, so the circuit's memory survives.
/// The pipeline is built once, from the options as they are then (no reload: the circuit would be lost with it).
/// </para>
/// <para>
/// Polly's own telemetry comes with the package (meter and log category <c>Polly</c>): results are logged as the
/// status code and failures as the exception's message, never the request, so never the <c>Authorization</c> header.
/// Its per-call success lines are lowered from Information to Debug for these clients only.
/// </para>
/// </remarks>
internal static class TokenValidationResilience
{
    /// <summary>The pipeline's identifier; the package names it <c>{client name}-tokenvalidation</c>.</summary>
    public const string PipelineName = "tokenvalidation";

    /// <summary>
    /// Runs <paramref name="builder"/>'s requests through the library's pipeline and removes the factory's default
    /// request logging. Added once per client name: a second call changes nothing (the package would add a second
    /// handler, and every failure would be retried twice over).
    /// </summary>
    /// <param name="builder">The client; call this before adding other handlers, so they run once per attempt.</param>
    /// <param name="source">The <c>source</c> tag of the library's retry and circuit metrics for this client.</param>
    /// <param name="settings">The total timeout and the pipeline's options, read once when the pipeline is built.</param>
    public static IHttpClientBuilder AddTokenValidationResilience(
        this IHttpClientBuilder builder,
        string source,
        Func<IServiceProvider, (TimeSpan Timeout, AuthKitResilienceOptions Options)> settings)
    {
        string name = builder.Name;
        var services = builder.Services;
        if (services.Any(d => d.IsKeyedService && d.ServiceType == typeof(UpstreamResilience) && Equals(d.ServiceKey, name)))
        {
            return builder;
        }

        services.TryAddSingleton(TimeProvider.System);
        TokenValidationDiagnostics.TryAdd(services);
        services.AddKeyedSingleton(name, (sp, _) => new UpstreamResilience(
            source,
            settings(sp).Options.Enabled,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<TokenValidationDiagnostics>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("TokenValidation.Resilience." + source)));

        builder
            // IHttpClientFactory's default logging writes the request headers at Trace, and even with redaction (which
            // only rewrites the message text) their structured state carries the raw Authorization value: the caller's
            // token, or the library's client secret. So no client of the library has them; our own logs, HttpClient's
            // metrics and activities remain. Redaction stays on for an app that adds them back.
            .RemoveAllLoggers()
            .RedactLoggedHeaders(static _ => true)
            .AddResilienceHandler(PipelineName, (pipeline, context) => Configure(pipeline, context, name, settings(context.ServiceProvider)));
        return builder;
    }

    /// <summary>The settings of the clients that call the AuthKit authority: <c>AuthKit:Timeout</c> and <c>AuthKit:Resilience</c>.</summary>
    public static (TimeSpan Timeout, AuthKitResilienceOptions Options) AuthKitSettings(IServiceProvider services)
    {
        var authKit = services.GetRequiredService<IOptions<AuthKit.AuthKitOptions>>().Value;
        return (authKit.Timeout, authKit.Resilience);
    }

    private static void Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> pipeline,
        ResilienceHandlerContext context,
        string name,
        (TimeSpan Timeout, AuthKitResilienceOptions Options) settings)
    {
        var (timeout, options) = settings;
        if (!options.Enabled)
        {
            // No strategies: the package's handler passes each request straight through.
            return;
        }

        var services = context.ServiceProvider;
        var resilience = services.GetRequiredKeyedService<UpstreamResilience>(name);
        var telemetry = QuietSuccesses(services.GetRequiredService<IOptions<TelemetryOptions>>().Value);
        pipeline.ConfigureTelemetry(telemetry);

        // Two clocks, on purpose. The package hands this builder the container's TimeProvider (Polly.Extensions takes
        // any one registered). Waits that bound real I/O (the timeouts, the back-off before a retry) run on the real
        // clock instead, like HttpClient's and the socket's own timeouts: a fake clock cannot make a socket answer
        // sooner, and an application that fakes time to test its cache lifetimes must not find every 5xx frozen in a
        // back-off. The breaker's bookkeeping (sampling window, break) is policy, like the cache lifetimes: it keeps the
        // container's TimeProvider, so tests can open and half-open the circuit without waiting. One builder has one
        // clock, so the breaker is a pipeline of its own, nested in the middle.
        var breaker = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            Name = context.BuilderName,
            InstanceName = context.InstanceName,
            TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System,
        }
            .ConfigureTelemetry(telemetry)
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                Name = "CircuitBreaker",
                ShouldHandle = static args => new(TransientFailure.OpensCircuit(args.Outcome)),
                FailureRatio = options.FailureRatio,
                SamplingDuration = options.SamplingDuration,
                MinimumThroughput = options.MinimumThroughput,
                BreakDuration = options.BreakDuration,
                OnOpened = resilience.OnOpened,
                OnHalfOpened = resilience.OnHalfOpened,
                OnClosed = resilience.OnClosed,
            })
            .Build();

        pipeline.TimeProvider = TimeProvider.System;
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "TotalTimeout", Timeout = timeout });
        if (options.MaxRetryAttempts > 0)
        {
            var maxRetryAfter = options.MaxRetryAfter;
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "Retry",
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,

                // Exponential with jitter, and a Retry-After (ShouldRetryAfterHeader) used as the wait: the package's
                // defaults. What it cannot say is the bound: an upstream asking for a long pause gets it, since waiting
                // inside the request would only run out the total timeout; the hint goes back to the client instead.
                ShouldHandle = args => new(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome)
                    && !(args.Outcome.Result is { } response && TransientFailure.RetryAfter(response, TimeProvider.System) > maxRetryAfter)),
                OnRetry = resilience.OnRetry,
            });
        }

        pipeline.AddPipeline(breaker);
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions
        {
            Name = "AttemptTimeout",
            Timeout = options.AttemptTimeout < timeout ? options.AttemptTimeout : timeout,
        });
    }

    // A cache miss is one userinfo call: Polly's Information line per successful call and attempt would be one per
    // miss. Failures keep their severity (Warning and up); the app's own severity rule, if any, runs first.
    private static TelemetryOptions QuietSuccesses(TelemetryOptions shared)
    {
        var appRule = shared.SeverityProvider;
        return new TelemetryOptions(shared)
        {
            SeverityProvider = args =>
            {
                var severity = appRule?.Invoke(args) ?? args.Event.Severity;
                return severity == ResilienceEventSeverity.Information && args.Event.EventName is "PipelineExecuted" or "ExecutionAttempt"
                    ? ResilienceEventSeverity.Debug
                    : severity;
            },
        };
    }
}
