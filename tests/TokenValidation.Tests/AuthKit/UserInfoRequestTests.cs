using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using TokenValidation.Testing;

namespace TokenValidation.Tests.AuthKit;

/// <summary>
/// CONTRACT §4, §5: what the userinfo request carries, the descriptions callers see, the reasons operators see in the
/// warning log, and the bound on the whole call; against a real Kestrel stand-in.
/// </summary>
public sealed class UserInfoRequestTests
{
    private const string Token = "mat_request_0123456789abcdefghijABCDEFGHIJ012345";

    [Fact]
    public async Task The_request_asks_for_json_at_the_userinfo_path_even_under_an_authority_ending_in_a_slash()
    {
        string? accept = null, path = null;
        await using var authKit = await AuthKitStandIn.StartAsync();
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:AuthKit:Authority"] = authKit.Authority + "/",
            },
            authKit: authKit);
        authKit.AddUser(Token, "user_01");
        authKit.Behavior = context =>
        {
            accept = context.Request.Headers.Accept;
            path = context.Request.Path;
            return authKit.DefaultUserInfoAsync(context);
        };

        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal("application/json", accept);
        Assert.Equal("/oauth/userinfo", path);
        Assert.Equal("Bearer " + Token, authKit.LastAuthorization);
    }

    [Fact]
    public async Task The_issuer_saying_no_is_described_as_an_invalid_expired_or_revoked_token()
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.RespondWith(401);

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal("The access token is invalid, expired or revoked.", result.ErrorDescription);
    }

    [Fact]
    public async Task A_body_of_exactly_the_size_limit_is_read()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:AuthKit:MaxResponseBytes"] = "1024" });
        host.AuthKit.RespondWithLargeBody(1024);

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal("usr_large", result.Identity?.Subject);
    }

    [Theory]
    [InlineData(500, "HTTP 500")]
    [InlineData(404, "HTTP 404")]
    [InlineData(200, "answer is not a JSON object with a string sub")]
    [InlineData(-1, "answer over the size limit")]
    [InlineData(-2, "answer over the size limit")]
    public async Task The_warning_log_names_why_the_answer_settled_nothing_and_callers_see_the_issuer_unreachable(int status, string reason)
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:MaxResponseBytes"] = "1024",
            ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0",
        });
        if (status > 0)
        {
            host.AuthKit.RespondWith(status, status == 200 ? """{"email":"no-sub@example.com"}""" : null);
        }
        else
        {
            host.AuthKit.RespondWithLargeBody(4096, chunked: status == -2);
        }

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal("The authorization server could not be reached.", result.ErrorDescription);
        var warning = Assert.Single(host.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.StartsWith("Userinfo call for token ", StringComparison.Ordinal));
        Assert.EndsWith(" failed: " + reason, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_pipeline_off_the_timeout_still_bounds_a_body_that_never_ends()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Resilience:Enabled"] = "false",
            ["TokenValidation:AuthKit:Timeout"] = "00:00:00.500",
        });
        host.AuthKit.Behavior = async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"sub":"user_01",""", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, host.AuthKit.Stopping).Token);
        };

        var clock = Stopwatch.StartNew();
        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.EndsWith(" failed: timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_open_circuit_answers_unavailable_without_a_call_and_counts_the_rejection()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
            ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "2",
            ["TokenValidation:AuthKit:Resilience:BreakDuration"] = "00:00:10",
        });
        using var rejections = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "TokenValidation", "tokenvalidation.circuit.rejections");
        host.AuthKit.RespondWith(503);
        await host.Validation.ValidateAsync(Token);
        int calls = host.AuthKit.UserInfoCalls;

        var result = await host.Validation.ValidateAsync("mat_another_0123456789abcdefghijABCDEFGHIJ");

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal("The authorization server is unavailable.", result.ErrorDescription);
        Assert.Equal(TimeSpan.FromSeconds(10), result.RetryAfter);
        Assert.Equal(calls, host.AuthKit.UserInfoCalls);
        var rejection = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal(1, rejection.Value);
        Assert.Equal("authkit", rejection.Tags["tokenvalidation.source"]);
    }
}
