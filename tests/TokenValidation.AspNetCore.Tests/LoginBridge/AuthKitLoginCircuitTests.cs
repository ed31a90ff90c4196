using System.Net;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>
/// CONTRACT §14: once AuthKit's completion API has failed often enough to open the circuit, a confirmation is answered
/// 503 without calling it, and the operator is told it was the open circuit.
/// </summary>
public sealed class AuthKitLoginCircuitTests
{
    private const string ExternalAuthId = "ext_auth_circuit_0123456789";

    [Fact]
    public async Task After_a_hundred_failures_the_open_circuit_answers_503_without_calling_AuthKit_and_says_so()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        app.Api.Answer = (500, "{}");
        using var browser = await app.SignedInBrowserAsync();
        using var page = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        var (action, field, token) = LoginBridgeApp.ConfirmationForm(await page.Content.ReadAsStringAsync());

        // The circuit's default minimum throughput: a hundred calls in its window, all failing.
        for (int i = 0; i < 100; i++)
        {
            using var failed = await browser.PostAsync(action, new FormUrlEncodedContent([new(field, token)]));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        using var response = await browser.PostAsync(action, new FormUrlEncodedContent([new(field, token)]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(100, app.Api.Calls);
        var last = app.Logs.GetSnapshot().Last(r => r.Id.Id == 208);
        Assert.Equal("AuthKit sign-in completion unavailable (BrokenCircuitException); answering 503", last.Message);
    }
}
