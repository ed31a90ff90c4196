using System.Net.Http.Headers;

namespace TokenValidation.Tests.Resilience;

/// <summary>
/// CONTRACT §4 and §7a: the issuer's <c>Retry-After</c> reaches the caller as the wait it really asks for, measured on the
/// container's clock: a date ahead is the time until it, a date already past is no wait, and a negative delay (which only
/// an application's handler could produce) is no wait either, never a negative one.
/// </summary>
public sealed class RetryAfterHintTests
{
    private static readonly Dictionary<string, string?> NoRetry = new() { ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0" };

    [Theory]
    [InlineData(30, 30)]
    [InlineData(-30, 0)]
    public async Task A_Retry_After_date_is_the_time_until_it_on_the_containers_clock_and_never_negative(int secondsFromNow, int expectedSeconds)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);
        await using var host = await StandInHost.StartAsync(NoRetry, time: new FakeTimeProvider(now));
        host.AuthKit.RespondWith(503, headers: new Dictionary<string, string> { ["Retry-After"] = now.AddSeconds(secondsFromNow).ToString("r") });

        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), result.RetryAfter);
    }

    [Fact]
    public async Task A_negative_Retry_After_set_by_an_application_handler_is_no_wait()
    {
        await using var host = await StandInHost.StartAsync(NoRetry, configure: b => b.AuthKitHttpClient.AddHttpMessageHandler(() => new NegativeRetryAfter()));
        host.AuthKit.RespondWith(503);

        var result = await host.Validation.ValidateAsync(StandInHost.NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(TimeSpan.Zero, result.RetryAfter);
    }

    private sealed class NegativeRetryAfter : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(-5));
            return response;
        }
    }
}
