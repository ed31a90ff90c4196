using System.Net;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>
/// The completion answer must come from the WorkOS API itself (CONTRACT §14): a redirect it answers is not followed,
/// so neither the API key nor the user's data is sent on anywhere.
/// </summary>
public sealed class AuthKitLoginRedirectTests
{
    [Fact]
    public async Task A_redirect_from_the_completion_api_is_not_followed_and_is_a_502_page_after_one_call()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        // Followed, the redirect would reach a completion that succeeds (the stand-in's default answer).
        app.Api.RedirectOnce = "/authkit/oauth2/complete";
        using var response = await LoginBridgeApp.ConfirmAsync(browser, "ext_auth_01J3X4Y5Z6A7B8C9D0E1F2G3H4");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, app.Api.Calls);
    }
}
