using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace TokenValidation.Tests.Resilience;

/// <summary>
/// Issue 5 and CONTRACT §7: what the retry honours (an HTTP-date <c>Retry-After</c> as well as seconds, zero retries), and
/// that timeouts bound real I/O on the real clock even when the application fakes time; the per-client miss limit is off at 0.
/// </summary>
public sealed class RetryRulesTests
{
    [Fact]
    public async Task With_time_faked_the_attempt_and_total_timeouts_still_run_on_the_real_clock()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Timeout"] = "00:00:03",
            ["TokenValidation:AuthKit:Resilience:AttemptTimeout"] = "00:00:00.500",
            ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
        });
        host.AuthKit.Hang();

        var clock = Stopwatch.StartNew();
        var result = await host.Validation.ValidateAsync("mat_hanging_0123456789abcdef").AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3) + TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");

        // Each attempt was cut at 0.5 s, so the one retry fitted inside the 3 s total.
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task With_MaxRetryAttempts_zero_a_transient_failure_is_asked_once_and_the_next_token_still_goes_through()
    {
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0" });
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        host.AuthKit.FailNext(1, StatusCodes.Status503ServiceUnavailable);

        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(StandInHost.NewToken())).Outcome);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
        Assert.True((await host.Validation.ValidateAsync(token)).IsValid);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_429_whose_Retry_After_is_a_date_far_ahead_is_not_retried()
    {
        await using var host = await StandInHost.StartAsync();
        string date = DateTimeOffset.UtcNow.AddMinutes(2).ToString("R", CultureInfo.InvariantCulture);
        host.AuthKit.RespondWith(StatusCodes.Status429TooManyRequests, headers: new Dictionary<string, string> { ["Retry-After"] = date });

        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Theory]
    [InlineData(-3600)]
    [InlineData(0)]
    public async Task A_503_whose_Retry_After_is_a_date_already_past_is_retried_at_once(int secondsFromNow)
    {
        await using var host = await StandInHost.StartAsync();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        int calls = 0;
        string date = DateTimeOffset.UtcNow.AddSeconds(secondsFromNow).ToString("R", CultureInfo.InvariantCulture);
        host.AuthKit.Behavior = async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = date;
                return;
            }

            await host.AuthKit.DefaultUserInfoAsync(context);
        };

        var result = await host.Validation.ValidateAsync(token);

        Assert.True(result.IsValid);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Theory]
    [InlineData("http_5xx")]
    [InlineData("http_408")]
    [InlineData("http_429")]
    [InlineData("connection")]
    [InlineData("timeout")]
    public async Task Each_retry_is_counted_with_the_reason_of_the_failed_attempt(string reason)
    {
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?>
        {
            // Short only where the attempt must time out: elsewhere a slow first answer on a loaded machine would count as one.
            ["TokenValidation:AuthKit:Resilience:AttemptTimeout"] = reason == "timeout" ? "00:00:00.500" : "00:00:05",
            ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
        });
        using var retries = new MetricCollector<long>(host.MeterFactory, "TokenValidation", "tokenvalidation.upstream.retries");
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        int calls = 0;
        host.AuthKit.Behavior = async context =>
        {
            if (Interlocked.Increment(ref calls) > 1)
            {
                await host.AuthKit.DefaultUserInfoAsync(context);
                return;
            }

            switch (reason)
            {
                case "http_5xx": context.Response.StatusCode = StatusCodes.Status500InternalServerError; break;
                case "http_408": context.Response.StatusCode = StatusCodes.Status408RequestTimeout; break;
                case "http_429": context.Response.StatusCode = StatusCodes.Status429TooManyRequests; break;
                case "connection": context.Abort(); break;
                default: await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default); break;
            }
        };

        Assert.True((await host.Validation.ValidateAsync(token)).IsValid);

        var retry = Assert.Single(retries.GetMeasurementSnapshot());
        Assert.Equal(reason, retry.Tags["tokenvalidation.retry.reason"]);
        Assert.Equal(TokenSources.AuthKit, retry.Tags["tokenvalidation.source"]);
    }

    [Fact]
    public async Task With_ClientMissesPerSecond_zero_one_client_may_bring_any_number_of_new_tokens()
    {
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:ClientMissesPerSecond"] = "0", ["TokenValidation:ClientMissBurst"] = "1" },
            configure: b => b.AddValidator<Core.CountingValidator>("tst_"));
        var client = IPAddress.Parse("203.0.113.50");

        for (int i = 0; i < 50; i++)
        {
            Assert.True((await host.Validation.ValidateForClientAsync($"tst_unlimited_{i}", client)).IsValid);
        }
    }
}
