using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using TokenValidation.AuthKit;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Resilience;

/// <summary>
/// CONTRACT §4 and issue 5: the userinfo call's timeouts, retry and circuit breaker, against a real Kestrel stand-in.
/// Timing asserts are upper bounds with seconds of slack, never tight.
/// </summary>
public sealed class AuthKitResilienceTests
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Hanging_AuthKit_answers_a_miss_Unavailable_within_the_total_timeout_while_cached_tokens_stay_valid()
    {
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Timeout"] = "00:00:01.500",
            ["TokenValidation:AuthKit:Resilience:AttemptTimeout"] = "00:00:00.500",
            ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.050",
        });
        string cached = StandInHost.NewToken(), miss = StandInHost.NewToken();
        host.AuthKit.AddUser(cached, "user_cached");
        host.AuthKit.AddUser(miss, "user_miss");
        Assert.True((await host.Validation.ValidateAsync(cached)).IsValid);
        host.AuthKit.ResetCounts();
        host.AuthKit.Hang();

        var clock = Stopwatch.StartNew();
        var pending = host.Validation.ValidateAsync(miss).AsTask();
        int cachedChecks = 0;
        while (!pending.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            var hit = await host.Validation.ValidateAsync(cached);
            Assert.Equal(TokenValidationOutcome.Valid, hit.Outcome);
            cachedChecks++;
            await Task.Delay(50);
        }

        var result = await pending;
        clock.Stop();

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5) + Slack, $"took {clock.Elapsed}");
        Assert.True(cachedChecks > 0);
        Assert.InRange(host.AuthKit.UserInfoCalls, 1, 2);
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(cached)).Outcome);
    }

    [Fact]
    public async Task The_total_timeout_bounds_a_miss_however_many_retries_are_allowed()
    {
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Timeout"] = "00:00:01",
            ["TokenValidation:AuthKit:Resilience:AttemptTimeout"] = "00:00:00.900",
            ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "5",
            ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
        });
        host.AuthKit.Hang();

        var clock = Stopwatch.StartNew();
        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1) + Slack, $"took {clock.Elapsed}");
        Assert.InRange(host.AuthKit.UserInfoCalls, 1, 2);
    }

    [Fact]
    public async Task A_transient_503_followed_by_success_is_retried_once_and_succeeds()
    {
        await using var host = await StandInHost.StartAsync();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        host.AuthKit.FailNext(1, StatusCodes.Status503ServiceUnavailable);

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal("user_01", result.Identity!.Subject);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    [InlineData(429)]
    public async Task A_transient_status_is_retried_exactly_once_then_answers_Unavailable(int status)
    {
        await using var host = await StandInHost.StartAsync();
        host.AuthKit.RespondWith(status);

        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Error);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    public async Task The_issuer_saying_no_is_never_retried(int status)
    {
        await using var host = await StandInHost.StartAsync();
        host.AuthKit.RespondWith(status, """{"error":"invalid_token"}""");

        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task An_unknown_token_answered_401_by_the_default_stand_in_is_called_once()
    {
        await using var host = await StandInHost.StartAsync();

        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_closed_connection_is_retried_then_answers_Unavailable()
    {
        await using var host = await StandInHost.StartAsync();
        host.AuthKit.CloseConnection();

        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_429_with_a_short_Retry_After_is_retried_after_waiting_for_it()
    {
        await using var host = await StandInHost.StartAsync();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        int calls = 0;
        host.AuthKit.Behavior = async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            await host.AuthKit.DefaultUserInfoAsync(context);
        };

        var clock = Stopwatch.StartNew();
        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before the Retry-After");
    }

    [Fact]
    public async Task A_429_with_a_long_Retry_After_is_not_retried_and_its_hint_reaches_the_caller()
    {
        await using var host = await StandInHost.StartAsync();
        host.AuthKit.RespondWith(429, headers: new Dictionary<string, string> { ["Retry-After"] = "120" });

        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task After_sustained_failure_the_circuit_opens_misses_fail_fast_without_calls_and_calls_resume_after_the_break()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(BreakerSettings(breakSeconds: 10), time: time);
        host.AuthKit.RespondWith(500);

        // Two misses, two attempts each: four failures reach the minimum throughput of four, and the circuit opens.
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        Assert.Equal(CircuitState.Closed, host.Circuit.State);
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        Assert.Equal(CircuitState.Open, host.Circuit.State);
        Assert.Equal(4, host.AuthKit.UserInfoCalls);

        // AuthKit recovers, but the circuit is open: misses answer Unavailable at once, with the remaining break as hint.
        string recovered = StandInHost.NewToken();
        host.AuthKit.AddUser(recovered, "user_back");
        host.AuthKit.ResetBehavior();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 20; i++)
        {
            var result = await host.Validation.ValidateAsync(i == 0 ? recovered : StandInHost.NewToken());
            Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
            Assert.Null(result.Error);
            Assert.NotNull(result.RetryAfter);
            Assert.InRange(result.RetryAfter!.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(10));
        }

        Assert.True(clock.Elapsed < Slack, $"20 fast failures took {clock.Elapsed}");
        Assert.Equal(4, host.AuthKit.UserInfoCalls);

        time.Advance(TimeSpan.FromSeconds(5));
        var halfway = await host.Validation.ValidateAsync(recovered);
        Assert.Equal(TokenValidationOutcome.Unavailable, halfway.Outcome);
        Assert.InRange(halfway.RetryAfter!.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(5));
        Assert.Equal(4, host.AuthKit.UserInfoCalls);

        // The break ends: the next miss probes AuthKit (half-open), succeeds, and the circuit closes.
        time.Advance(TimeSpan.FromSeconds(5));
        var probe = await host.Validation.ValidateAsync(recovered);
        Assert.Equal(TokenValidationOutcome.Valid, probe.Outcome);
        Assert.Equal(5, host.AuthKit.UserInfoCalls);
        Assert.Equal(CircuitState.Closed, host.Circuit.State);

        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        Assert.Equal(6, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_failed_probe_opens_the_circuit_again_after_one_call()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(BreakerSettings(breakSeconds: 10), time: time);
        host.AuthKit.RespondWith(503);
        await host.Validation.ValidateAsync(StandInHost.NewToken());
        await host.Validation.ValidateAsync(StandInHost.NewToken());
        Assert.Equal(CircuitState.Open, host.Circuit.State);

        time.Advance(TimeSpan.FromSeconds(10));
        var probe = await host.Validation.ValidateAsync(StandInHost.NewToken());

        // The probe fails; its retry meets the reopened circuit instead of AuthKit.
        Assert.Equal(TokenValidationOutcome.Unavailable, probe.Outcome);
        Assert.Equal(5, host.AuthKit.UserInfoCalls);
        Assert.Equal(CircuitState.Open, host.Circuit.State);
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        Assert.Equal(5, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task The_circuit_recovers_on_the_real_clock()
    {
        // A 3 s break: the open circuit must still be open after the set-up below on a loaded 2-core machine.
        await using var host = await StandInHost.StartAsync(BreakerSettings(breakSeconds: 3));
        host.AuthKit.RespondWith(500);
        await host.Validation.ValidateAsync(StandInHost.NewToken());
        await host.Validation.ValidateAsync(StandInHost.NewToken());
        Assert.Equal(CircuitState.Open, host.Circuit.State);
        int calls = host.AuthKit.UserInfoCalls;
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        host.AuthKit.ResetBehavior();
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(token)).Outcome);
        Assert.Equal(calls, host.AuthKit.UserInfoCalls);

        await Task.Delay(TimeSpan.FromSeconds(3.2));

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
        Assert.Equal(calls + 1, host.AuthKit.UserInfoCalls);
        Assert.Equal(CircuitState.Closed, host.Circuit.State);
    }

    [Fact]
    public async Task Rejections_by_the_issuer_never_open_the_circuit()
    {
        await using var host = await StandInHost.StartAsync(BreakerSettings(breakSeconds: 10));

        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        }

        Assert.Equal(CircuitState.Closed, host.Circuit.State);
        Assert.Equal(12, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task With_the_pipeline_off_nothing_is_retried_and_Timeout_still_bounds_the_call()
    {
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Timeout"] = "00:00:01",
            ["TokenValidation:AuthKit:Resilience:Enabled"] = "false",
        });
        Assert.Null(host.Circuit.State);
        host.AuthKit.FailNext(1, StatusCodes.Status503ServiceUnavailable);
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);

        host.AuthKit.Hang();
        var clock = Stopwatch.StartNew();
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1) + Slack, $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Handlers_the_application_adds_run_inside_the_pipeline_once_per_attempt()
    {
        var counter = new CountingHandler();
        await using var host = await StandInHost.StartAsync(configure: b => b.ConfigureAuthKitHttpClient(c => c.AddHttpMessageHandler(() => counter)));
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        host.AuthKit.FailNext(1, StatusCodes.Status502BadGateway);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
        Assert.Equal(2, counter.Sends);
    }

    [Fact]
    public async Task Calling_AddAuthKit_twice_does_not_stack_a_second_retry()
    {
        await using var host = await StandInHost.StartAsync(configure: b => b.AddAuthKit());
        host.AuthKit.RespondWith(503);

        await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task An_open_circuit_survives_the_factory_recycling_the_handler()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        int handlers = 0;
        await using var host = await StandInHost.StartAsync(
            BreakerSettings(breakSeconds: 60),
            configure: b => b.ConfigureAuthKitHttpClient(c => c
                .SetHandlerLifetime(TimeSpan.FromSeconds(1))
                .AddHttpMessageHandler(() =>
                {
                    Interlocked.Increment(ref handlers);
                    return new CountingHandler();
                })),
            time: time);
        host.AuthKit.RespondWith(500);
        await host.Validation.ValidateAsync(StandInHost.NewToken());
        await host.Validation.ValidateAsync(StandInHost.NewToken());
        Assert.Equal(CircuitState.Open, host.Circuit.State);
        Assert.Equal(1, Volatile.Read(ref handlers));
        Assert.Equal(4, host.AuthKit.UserInfoCalls);
        host.AuthKit.ResetBehavior();

        // The factory retires the handler after its lifetime (on the real clock); the next client gets a new chain.
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref handlers) < 2 && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(200);
            var rejected = await host.Validation.ValidateAsync(StandInHost.NewToken());
            Assert.Equal(TokenValidationOutcome.Unavailable, rejected.Outcome);
        }

        Assert.True(Volatile.Read(ref handlers) >= 2, "the factory never built a second handler");
        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());
        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.InRange(result.RetryAfter!.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(60));
        Assert.Equal(CircuitState.Open, host.Circuit.State);
        Assert.Equal(4, host.AuthKit.UserInfoCalls);

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        Assert.Equal(5, host.AuthKit.UserInfoCalls);
        Assert.Equal(CircuitState.Closed, host.Circuit.State);
    }

    [Fact]
    public async Task Pollys_own_logs_name_the_status_code_and_never_the_request()
    {
        await using var host = await StandInHost.StartAsync();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        host.AuthKit.FailNext(1, StatusCodes.Status503ServiceUnavailable);

        Assert.True((await host.Validation.ValidateAsync(token)).IsValid);

        var polly = host.Logs.GetSnapshot().Where(l => l.Category == "Polly").ToList();
        Assert.Contains(polly, l => l.Level == LogLevel.Warning && l.GetStructuredStateValue("Result") == "503");
        Assert.Contains(polly, l => l.GetStructuredStateValue("Result") == "200");

        // Successes are Debug for the library's clients: one Information line per cache miss would be noise.
        Assert.DoesNotContain(polly, l => l.Level == LogLevel.Information);
        Assert.All(polly, l =>
        {
            Assert.DoesNotContain(token, l.ToFullText(), StringComparison.Ordinal);
            Assert.DoesNotContain("Bearer", l.ToFullText(), StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void AuthKitHttpClient_before_AddAuthKit_throws_naming_AddAuthKit_and_is_the_named_client_after()
    {
        var builder = new ServiceCollection().AddTokenValidation();

        var error = Assert.Throws<InvalidOperationException>(() => builder.AuthKitHttpClient);
        Assert.Contains("AddAuthKit()", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => builder.ConfigureAuthKitHttpClient(_ => { }));

        Assert.Equal(AuthKitDefaults.HttpClientName, builder.AddAuthKit().AuthKitHttpClient.Name);
    }

    private static Dictionary<string, string?> BreakerSettings(double breakSeconds) => new()
    {
        ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
        ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "4",
        ["TokenValidation:AuthKit:Resilience:FailureRatio"] = "0.5",
        ["TokenValidation:AuthKit:Resilience:SamplingDuration"] = "00:00:30",
        ["TokenValidation:AuthKit:Resilience:BreakDuration"] = TimeSpan.FromSeconds(breakSeconds).ToString("c"),
    };

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _sends;

        public int Sends => Volatile.Read(ref _sends);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sends);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
