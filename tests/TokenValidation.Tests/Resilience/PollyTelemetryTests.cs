using Microsoft.Extensions.Logging;
using Polly.Telemetry;

namespace TokenValidation.Tests.Resilience;

/// <summary>
/// What Polly's own telemetry (log category <c>Polly</c>) tells an operator about the library's pipeline: each event
/// names the strategy that raised it (<c>Retry</c>, <c>CircuitBreaker</c>, <c>AttemptTimeout</c>); successes are lowered to
/// Debug but a failed attempt stays a warning; and an application's own severity rule runs first.
/// </summary>
public sealed class PollyTelemetryTests
{
    [Fact]
    public async Task The_applications_severity_rule_runs_first_and_a_failed_attempt_stays_a_warning()
    {
        await using var host = await StandInHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010" },
            services: s => s.Configure<TelemetryOptions>(o =>
                o.SeverityProvider = args => args.Event.EventName == "OnRetry" ? ResilienceEventSeverity.Critical : args.Event.Severity));
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        host.AuthKit.FailNext(1, 503);

        Assert.True((await host.Validation.ValidateAsync(token)).IsValid);

        var polly = Polly(host);
        var retry = Assert.Single(polly, l => Value(l, "EventName") == "OnRetry");
        Assert.Equal(LogLevel.Critical, retry.Level);
        Assert.Equal("Retry", Value(retry, "StrategyName"));
        var failed = Assert.Single(polly, l => l.Message.StartsWith("Execution attempt.", StringComparison.Ordinal) && Value(l, "Result") == "503");
        Assert.Equal(LogLevel.Warning, failed.Level);
        var successes = polly.Where(l => Value(l, "Result") == "200").ToList();
        Assert.Contains(successes, l => l.Message.StartsWith("Execution attempt.", StringComparison.Ordinal));
        Assert.Contains(successes, l => l.Message.StartsWith("Resilience pipeline executed.", StringComparison.Ordinal));
        Assert.All(successes, l => Assert.Equal(LogLevel.Debug, l.Level));
    }

    [Fact]
    public async Task The_circuit_opening_is_reported_by_the_CircuitBreaker_strategy()
    {
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
            ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "2",
        });
        host.AuthKit.RespondWith(503);

        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);

        var opened = Assert.Single(Polly(host), l => Value(l, "EventName") == "OnCircuitOpened");
        Assert.Equal("CircuitBreaker", Value(opened, "StrategyName"));
    }

    [Fact]
    public async Task An_attempt_that_runs_out_of_time_is_reported_by_the_AttemptTimeout_strategy()
    {
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Resilience:AttemptTimeout"] = "00:00:00.200",
            ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0",
        });
        host.AuthKit.Hang();

        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);

        var timeout = Assert.Single(Polly(host), l => Value(l, "EventName") == "OnTimeout");
        Assert.Equal("AttemptTimeout", Value(timeout, "StrategyName"));
    }

    private static List<FakeLogRecord> Polly(StandInHost host) => [.. host.Logs.GetSnapshot().Where(l => l.Category == "Polly")];

    private static string? Value(FakeLogRecord record, string key) => record.GetStructuredStateValue(key);
}
