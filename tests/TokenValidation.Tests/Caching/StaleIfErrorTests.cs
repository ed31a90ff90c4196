using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7 stale if error (opt-in): while the issuer is unavailable, a valid entry that expired less than the window
/// ago is served, never past the token's own expiry, counted, and logged once per outage (a warning when the first stale
/// answer is served, one line when the issuer answers again; a second outage is logged again).
/// </summary>
public sealed class StaleIfErrorTests
{
    private const string Token = "mat_stale_if_error_0123456789abcdefghijklmn";

    // A one-minute lifetime, a two-minute window; no refresh ahead and no retry, so every call is counted plainly.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["TokenValidation:Cache:Lifetime"] = "00:01:00",
        ["TokenValidation:Cache:StaleIfErrorWindow"] = "00:02:00",
        ["TokenValidation:Cache:RefreshAheadRatio"] = "0",
        ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0",
    };

    [Fact]
    public async Task With_the_issuer_down_past_the_lifetime_the_entry_is_served_inside_the_window_and_Unavailable_after_it()
    {
        await using var host = await CoreHost.StartAsync(Settings);
        long stale = 0;
        using var listener = Count(host, "tokenvalidation.cache.stale_served", v => Interlocked.Add(ref stale, v));
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.AuthKit.RespondWith(503);

        host.Time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal("user_01", (await host.Validation.ValidateAsync(Token)).Identity?.Subject);
        host.Time.Advance(TimeSpan.FromSeconds(89));
        Assert.Equal("user_01", (await host.Validation.ValidateAsync(Token)).Identity?.Subject);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, after.Outcome);
        Assert.NotNull(after.RetryAfter);
        Assert.Equal(4, host.AuthKit.UserInfoCalls);
        Assert.Equal(2, Interlocked.Read(ref stale));
        Assert.Single(host.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("stale if error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stale_entry_is_never_served_past_the_tokens_own_expiry()
    {
        var validator = new SwitchableValidator();
        await using var host = await CoreHost.StartAsync(
            Settings,
            configure: b => b.AddValidator<SwitchableValidator>("sw_"),
            services: s => s.AddSingleton(validator));
        validator.ExpiresAt = host.Time.GetUtcNow().AddSeconds(90);
        Assert.True((await host.Validation.ValidateAsync("sw_token")).IsValid);
        validator.Down = true;

        host.Time.Advance(TimeSpan.FromSeconds(89));
        Assert.True((await host.Validation.ValidateAsync("sw_token")).IsValid);
        host.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync("sw_token")).Outcome);
    }

    [Fact]
    public async Task Without_the_option_an_expired_entry_is_never_served()
    {
        var settings = new Dictionary<string, string?>(Settings);
        settings.Remove("TokenValidation:Cache:StaleIfErrorWindow");
        await using var host = await CoreHost.StartAsync(settings);
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.AuthKit.RespondWith(503);
        host.Time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(Token)).Outcome);
    }

    [Fact]
    public async Task The_issuer_saying_no_is_never_overridden_by_a_stale_entry_and_a_recovery_renews_it()
    {
        await using var host = await CoreHost.StartAsync(Settings);
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.AuthKit.RespondWith(503);
        host.Time.Advance(TimeSpan.FromSeconds(70));
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);

        host.AuthKit.ResetBehavior();
        host.AuthKit.RemoveUser(Token);
        host.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(Token)).Outcome);
        Assert.Contains(host.Logs.GetSnapshot(), l => l.Message.Contains("answering again", StringComparison.Ordinal));
    }

    private static MeterListener Count(CoreHost host, string instrument, Action<long> add)
    {
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (ReferenceEquals(i.Meter.Scope, factory) && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => add(value));
        listener.Start();
        return listener;
    }

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

    private sealed class SwitchableValidator : ITokenValidator
    {
        public DateTimeOffset ExpiresAt { get; set; }

        public bool Down { get; set; }

        public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken) => new(Down
            ? TokenCheckResult.Unavailable("The issuer is down.")
            : TokenCheckResult.Valid(new TokenIdentity { Subject = "s", Source = "sw", ExpiresAt = ExpiresAt }));
    }
}
