using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace TokenValidation.Tests.Resilience;

/// <summary>
/// CONTRACT §7a, for the operator: the circuit opening is one warning and its half-opening and closing one line each,
/// under the <c>TokenValidation.Resilience.authkit</c> category; an open circuit whose break ended with no call since
/// reports no time left to wait (never a negative one) in the health check.
/// </summary>
public sealed class CircuitLifecycleLogTests
{
    private const string Category = "TokenValidation.Resilience.authkit";

    private static readonly Dictionary<string, string?> FastBreaker = new()
    {
        ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
        ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "2",
        ["TokenValidation:AuthKit:Resilience:BreakDuration"] = "00:00:10",
    };

    [Fact]
    public async Task Opening_is_a_warning_and_half_opening_and_closing_are_one_information_line_each()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(FastBreaker, time: time);
        host.AuthKit.RespondWith(503);
        await host.Validation.ValidateAsync(StandInHost.NewToken());

        var opened = Assert.Single(Lines(host), l => l.Level == LogLevel.Warning);
        Assert.Contains("circuit opened", opened.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:10", opened.Message, StringComparison.Ordinal);

        host.AuthKit.ResetBehavior();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await host.Validation.ValidateAsync(token)).IsValid);

        var information = Lines(host).Where(l => l.Level == LogLevel.Information).Select(l => l.Message).ToList();
        Assert.Equal(2, information.Count);
        Assert.Contains("circuit half-open", information[0], StringComparison.Ordinal);
        Assert.Contains("circuit closed", information[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_circuit_whose_break_ended_with_no_call_since_reports_zero_seconds_left()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(FastBreaker, services: s => s.AddHealthChecks().AddTokenValidation(), time: time);
        host.AuthKit.RespondWith(503);
        await host.Validation.ValidateAsync(StandInHost.NewToken());

        // Polly half-opens only when a call arrives: until then the circuit is still open, with nothing left to wait.
        time.Advance(TimeSpan.FromSeconds(15));
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = report.Entries[TokenValidationHealthChecksBuilderExtensions.DefaultName];

        Assert.Equal("open", entry.Data["authkit.circuit"]);
        Assert.Equal(0d, entry.Data["authkit.circuit.retry_after_seconds"]);
    }

    private static List<FakeLogRecord> Lines(StandInHost host) =>
        [.. host.Logs.GetSnapshot().Where(l => l.Category == Category && l.Level >= LogLevel.Information)];
}
