using System.Diagnostics;
using Polly.CircuitBreaker;

namespace TokenValidation.Tests.Resilience;

/// <summary>
/// CONTRACT §7a with the default breaker (10%, 100 attempts, 5 s break): a quiet server's few failures never open it,
/// a sustained outage does and then spares the issuer, every 503 says the wait it really needs, and new tokens are
/// served again within 5 s of the issuer recovering.
/// </summary>
public sealed class RecoveryTests
{
    // Only the retry's back-off is shortened, so an outage of 60 misses takes a second, not twelve: the breaker is the default.
    private static readonly Dictionary<string, string?> QuickRetry = new() { ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010" };

    [Fact]
    public async Task A_dozen_failed_misses_on_a_quiet_server_do_not_open_the_circuit_and_the_next_new_token_is_valid()
    {
        await using var host = await StandInHost.StartAsync(QuickRetry, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        host.AuthKit.RespondWith(500);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        }

        Assert.Equal(24, host.AuthKit.UserInfoCalls);
        Assert.Equal(CircuitState.Closed, host.Circuit.State);

        host.AuthKit.ResetBehavior();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_back");

        Assert.Equal("user_back", (await host.Validation.ValidateAsync(token)).Identity?.Subject);
        Assert.Equal(25, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_sustained_outage_opens_the_circuit_and_no_upstream_call_is_made_while_it_is_open()
    {
        await using var host = await StandInHost.StartAsync(QuickRetry, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await OpenTheCircuitAsync(host);
        int calls = host.AuthKit.UserInfoCalls;

        for (int i = 0; i < 50; i++)
        {
            var result = await host.Validation.ValidateAsync(StandInHost.NewToken());
            Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
            Assert.InRange(result.RetryAfter!.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(5));
        }

        Assert.Equal(calls, host.AuthKit.UserInfoCalls);
        Assert.Equal(CircuitState.Open, host.Circuit.State);
    }

    [Fact]
    public async Task While_the_circuit_is_open_Retry_After_is_exactly_what_remains_of_the_break()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(QuickRetry, time: time);
        await OpenTheCircuitAsync(host);

        Assert.Equal(TimeSpan.FromSeconds(5), (await host.Validation.ValidateAsync(StandInHost.NewToken())).RetryAfter);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(3), (await host.Validation.ValidateAsync(StandInHost.NewToken())).RetryAfter);
        time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(TimeSpan.FromSeconds(0.5), (await host.Validation.ValidateAsync(StandInHost.NewToken())).RetryAfter);
    }

    [Fact]
    public async Task After_a_sustained_outage_a_new_token_is_valid_5_seconds_after_the_circuit_opened()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(QuickRetry, time: time);
        await OpenTheCircuitAsync(host);
        host.AuthKit.ResetBehavior();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_back");

        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(token)).Outcome);
        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal("user_back", (await host.Validation.ValidateAsync(token)).Identity?.Subject);
        Assert.Equal(CircuitState.Closed, host.Circuit.State);
    }

    [Fact]
    public async Task On_the_real_clock_a_new_token_is_valid_within_5_seconds_of_the_issuer_recovering()
    {
        await using var host = await StandInHost.StartAsync(QuickRetry);
        await OpenTheCircuitAsync(host);
        host.AuthKit.ResetBehavior();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_back");

        var sinceRecovery = Stopwatch.StartNew();
        TokenCheckResult result;
        do
        {
            result = await host.Validation.ValidateAsync(token);
            if (!result.IsValid)
            {
                // The client does what the 503 says, within reason.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(result.RetryAfter?.TotalMilliseconds ?? 250, 250)));
            }
        }
        while (!result.IsValid && sinceRecovery.Elapsed < TimeSpan.FromSeconds(15));

        // The break is 5 s from the moment it opened, which was before the issuer recovered; one poll of slack.
        Assert.True(result.IsValid, "still not valid 15 s after the issuer recovered");
        Assert.True(sinceRecovery.Elapsed < TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(1), $"valid after {sinceRecovery.Elapsed}");
    }

    [Fact]
    public async Task The_issuers_own_429s_never_open_the_circuit()
    {
        await using var host = await StandInHost.StartAsync(QuickRetry, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        host.AuthKit.RespondWith(429);
        for (int i = 0; i < 80; i++)
        {
            Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        }

        Assert.Equal(160, host.AuthKit.UserInfoCalls);
        Assert.Equal(CircuitState.Closed, host.Circuit.State);
        host.AuthKit.ResetBehavior();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(token)).IsValid);
    }

    // 60 misses against a failing issuer are 120 failed attempts: past the minimum throughput of 100, all failures.
    private static async Task OpenTheCircuitAsync(StandInHost host)
    {
        host.AuthKit.RespondWith(503);
        for (int i = 0; i < 60 && host.Circuit.State != CircuitState.Open; i++)
        {
            Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        }

        Assert.Equal(CircuitState.Open, host.Circuit.State);
        Assert.InRange(host.AuthKit.UserInfoCalls, 100, 120);
    }
}
