using System.Net;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using TokenValidation.Resilience;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Resilience;

/// <summary>
/// The library's pipeline on a client, as its registrations use it: each named client gets its own, whatever was
/// registered before; adding it twice to one client changes nothing (a failure is retried once, not twice over); it
/// brings what it needs into a bare container; its logs are under <c>TokenValidation.Resilience.{source}</c>; and an
/// application that adds the factory's request logging back still finds every header value redacted in its messages.
/// </summary>
public sealed class PipelineRegistrationTests
{
    private static readonly Func<IServiceProvider, (TimeSpan Timeout, AuthKitResilienceOptions Options)> Settings =
        static _ => (TimeSpan.FromSeconds(5), new AuthKitResilienceOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

    [Fact]
    public async Task Each_client_gets_its_own_pipeline_and_adding_it_twice_still_retries_a_failure_once()
    {
        await using var authKit = await AuthKitStandIn.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddHttpClient("first").AddTokenValidationResilience("first-source", Settings);
        services.AddHttpClient("second").AddTokenValidationResilience("second-source", Settings);
        services.AddHttpClient("second").AddTokenValidationResilience("second-source", Settings);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        authKit.RespondWith(503);

        using var second = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("second").GetAsync(new Uri(authKit.Authority + "/oauth/userinfo"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(2, authKit.UserInfoCalls);
        Assert.Equal(CircuitState.Closed, provider.GetRequiredKeyedService<UpstreamResilience>("second").State);
        Assert.Contains(provider.GetFakeLogCollector().GetSnapshot(), l => l.Category == "TokenValidation.Resilience.second-source" && l.Message.Contains("retry 1", StringComparison.Ordinal));

        using var first = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("first").GetAsync(new Uri(authKit.Authority + "/oauth/userinfo"));
        Assert.Equal(4, authKit.UserInfoCalls);
    }

    [Fact]
    public async Task An_application_that_adds_request_logging_back_finds_the_authorization_value_redacted()
    {
        await using var authKit = await AuthKitStandIn.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddHttpClient("logged").AddTokenValidationResilience("logged-source", Settings).AddDefaultLogger();
        await using var provider = services.BuildServiceProvider();
        const string Token = "mat_never_logged_0123456789abcdefghij";

        using var request = new HttpRequestMessage(HttpMethod.Get, authKit.Authority + "/oauth/userinfo");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Token);
        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("logged").SendAsync(request);

        var logs = provider.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, l => l.Category != null && l.Category.StartsWith("System.Net.Http.HttpClient.logged", StringComparison.Ordinal) && l.Message.Contains("Authorization", StringComparison.Ordinal));
        // The message text, which is what redaction rewrites (the factory's structured state is why the library removes it).
        Assert.All(logs, l => Assert.DoesNotContain(Token, l.Message, StringComparison.Ordinal));
    }
}
