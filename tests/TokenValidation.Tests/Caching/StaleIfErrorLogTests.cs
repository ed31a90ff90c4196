using Microsoft.Extensions.Logging;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7 stale if error: logged once per outage (a warning when the first stale answer is served, one line when the
/// issuer answers again), so a second outage is logged again and answers outside an outage log nothing.
/// </summary>
public sealed class StaleIfErrorLogTests
{
    private const string Token = "mat_stale_log_0123456789abcdefghijklmn";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["TokenValidation:Cache:Lifetime"] = "00:01:00",
        ["TokenValidation:Cache:StaleIfErrorWindow"] = "00:02:00",
        ["TokenValidation:Cache:RefreshAheadRatio"] = "0",
        ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0",
    };

    [Fact]
    public async Task Each_outage_is_logged_once_when_it_starts_and_once_when_the_issuer_answers_again()
    {
        await using var host = await CoreHost.StartAsync(Settings);
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal((0, 0), Counts(host));

        for (int outage = 1; outage <= 2; outage++)
        {
            host.AuthKit.RespondWith(503);
            host.Time.Advance(TimeSpan.FromSeconds(61));
            Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
            host.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
            Assert.Equal((outage, outage - 1), Counts(host));

            host.AuthKit.ResetBehavior();
            host.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
            host.Time.Advance(TimeSpan.FromSeconds(61));
            Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
            Assert.Equal((outage, outage), Counts(host));
        }
    }

    [Fact]
    public async Task An_unavailable_issuer_with_nothing_to_serve_stale_is_not_an_outage_to_log()
    {
        await using var host = await CoreHost.StartAsync(Settings);
        host.AuthKit.RespondWith(503);

        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(Token)).Outcome);
        host.AuthKit.ResetBehavior();
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);

        Assert.Equal((0, 0), Counts(host));
    }

    // (warnings that stale answers are being served, lines that they stopped)
    private static (int Started, int Ended) Counts(CoreHost host)
    {
        var logs = host.Logs.GetSnapshot();
        return (
            logs.Count(l => l.Level == LogLevel.Warning && l.Message.Contains("serving expired valid answers", StringComparison.Ordinal)),
            logs.Count(l => l.Level == LogLevel.Information && l.Message.Contains("no more stale answers", StringComparison.Ordinal)));
    }
}
