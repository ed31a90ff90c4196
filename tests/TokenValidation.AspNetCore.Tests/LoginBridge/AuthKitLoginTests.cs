using System.Diagnostics;
using System.Net;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>
/// The Login URI (CONTRACT §14) against a real WorkOS API stand-in that counts calls: what it refuses before any call,
/// what it sends, where it redirects, and the pages for each way AuthKit can answer.
/// </summary>
public sealed class AuthKitLoginTests
{
    private const string ExternalAuthId = "ext_auth_01J3X4Y5Z6A7B8C9D0E1F2G3H4";

    public static TheoryData<string> BadExternalAuthIds => new()
    {
        "/login/mcp",
        "/login/mcp?external_auth_id=",
        "/login/mcp?external_auth_id=" + new string('a', 257),
        "/login/mcp?external_auth_id=ext%3Cscript%3E",
        "/login/mcp?external_auth_id=ext%20auth",
        "/login/mcp?external_auth_id=ext%2F..%2Fx",
        "/login/mcp?external_auth_id=a&external_auth_id=b",
    };

    [Theory]
    [MemberData(nameof(BadExternalAuthIds))]
    public async Task MissingOversizedOrOddExternalAuthId_Is400_WithoutAnyApiCall(string url)
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        using var get = await browser.GetAsync(url);
        using var post = await browser.PostAsync(url, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Contains("start connecting again", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(0, app.Api.Calls);
    }

    [Fact]
    public async Task NobodySignedIn_ChallengesTheAppsScheme_ToComeBackToTheSameUrl()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = app.Browser();

        using var response = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=" + Uri.EscapeDataString("/login/mcp?external_auth_id=" + ExternalAuthId), response.Headers.Location!.PathAndQuery);
        Assert.Equal(0, app.Api.Calls);
    }

    [Fact]
    public async Task SignedIn_Get_ShowsAnEncodedConfirmationPage_ThatCannotBeFramedOrCached_AndCallsNothing()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync(first: "<script>alert(1)</script>");

        using var response = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Connect Example App to an MCP client as", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Equal("/login/mcp?external_auth_id=" + ExternalAuthId, LoginBridgeApp.ConfirmationForm(html).Action);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(0, app.Api.Calls);
    }

    [Fact]
    public async Task ConfirmationPost_WithoutItsAntiforgeryToken_Is400_WithoutAnyApiCall()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        // What a page on another site can send: the victim's cookies ride along, the token cannot.
        using var response = await browser.PostAsync("/login/mcp?external_auth_id=" + ExternalAuthId, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("could not be accepted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, app.Api.Calls);
    }

    [Fact]
    public async Task ConfirmationPost_WithAnotherUsersToken_Is400_WithoutAnyApiCall()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var attacker = await app.SignedInBrowserAsync(id: "666", email: "mallory@example.com");
        using var page = await attacker.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        var (action, field, token) = LoginBridgeApp.ConfirmationForm(await page.Content.ReadAsStringAsync());
        using var victim = await app.SignedInBrowserAsync();

        using var response = await victim.PostAsync(action, new FormUrlEncodedContent([new(field, token)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, app.Api.Calls);
    }

    [Fact]
    public async Task ConfirmedPost_CallsTheCompletionApiOnce_WithTheKeyAndTheUser_ThenRedirects302ToItsRedirectUri()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("https://tenant.authkit.test/oauth2/authorize/complete?state=s1", response.Headers.Location!.OriginalString);
        Assert.Equal(1, app.Api.Calls);
        Assert.Equal("Bearer " + LoginBridgeApp.ApiKey, app.Api.LastAuthorization);
        var body = app.Api.LastBody!;
        Assert.Equal(ExternalAuthId, (string?)body["external_auth_id"]);
        Assert.Equal("42", (string?)body["user"]!["id"]);
        Assert.Equal("ada@example.com", (string?)body["user"]!["email"]);
        Assert.Equal("Ada", (string?)body["user"]!["first_name"]);
    }

    public static TheoryData<string, string> UnsafeRedirects => new()
    {
        { "Production", "https://evil.example/oauth2/authorize/complete" },
        { "Production", "https://tenant.authkit.test.evil.example/x" },
        { "Production", "https://tenant.authkit.test:8443/x" },
        { "Production", "https://user@evil.example/x" },
        { "Production", "http://tenant.authkit.test/oauth2/authorize/complete" },
        { "Production", "/oauth2/authorize/complete" },
        { "Production", "javascript:alert(1)" },
        { "Development", "https://evil.example/x" },
    };

    [Theory]
    [MemberData(nameof(UnsafeRedirects))]
    public async Task RedirectUriOffTheAuthoritysHttpsHost_IsAnErrorPage_NotARedirect(string environment, string redirectUri)
    {
        await using var app = await LoginBridgeApp.StartAsync(environment);
        app.Api.Answer = (200, $$"""{"redirect_uri":"{{redirectUri}}"}""");
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain(redirectUri, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, app.Api.Calls);
    }

    [Fact]
    public async Task HttpRedirectUriOnTheAuthoritysHost_IsFollowedInDevelopment()
    {
        await using var app = await LoginBridgeApp.StartAsync("Development");
        app.Api.Answer = (200, """{"redirect_uri":"http://tenant.authkit.test/oauth2/authorize/complete?state=s1"}""");
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("http://tenant.authkit.test/oauth2/authorize/complete?state=s1", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Api400_IsA400Page_SayingToStartAgain_WithAuthKitsMessage()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        app.Api.Answer = (400, """{"code":"invalid_external_auth_id","message":"External auth id has expired <b>."}""");
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Start connecting again from your MCP client", html, StringComparison.Ordinal);
        Assert.Contains("External auth id has expired &lt;b&gt;.", html, StringComparison.Ordinal);
        Assert.Null(response.Headers.Location);
        Assert.Equal(1, app.Api.Calls);
    }

    [Fact]
    public async Task Api401_IsA400Page_ThatSendsTheUserToSupport()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        app.Api.Answer = (401, """{"message":"Unauthorized"}""");
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("contact Example App&#x27;s support", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, app.Api.Calls);
    }

    [Fact]
    public async Task Api500_IsA503PageWithARetryLink_AfterExactlyOneCall()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        app.Api.Answer = (500, """{"message":"oops"}""");
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains($"<a href=\"/login/mcp?external_auth_id={ExternalAuthId}\">Try again</a>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Not retried: the call is not idempotent, and this one reached AuthKit.
        Assert.Equal(1, app.Api.Calls);
    }

    [Fact]
    public async Task HangingApi_IsA503Page_WithinTheTimeout()
    {
        await using var app = await LoginBridgeApp.StartAsync(timeout: TimeSpan.FromSeconds(1));
        app.Api.Hang = true;
        using var browser = await app.SignedInBrowserAsync();
        using var page = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        var (action, field, token) = LoginBridgeApp.ConfirmationForm(await page.Content.ReadAsStringAsync());

        var elapsed = Stopwatch.StartNew();
        using var response = await browser.PostAsync(action, new FormUrlEncodedContent([new(field, token)]));
        elapsed.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Try again", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Assert.Equal(1, app.Api.Calls);
    }

    [Fact]
    public async Task RefusedConnection_IsTriedOnceMore_SinceNothingWasSent_ThenA503Page()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();
        using var page = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        var (action, field, token) = LoginBridgeApp.ConfirmationForm(await page.Content.ReadAsStringAsync());
        await app.Api.DisposeAsync();

        using var response = await browser.PostAsync(action, new FormUrlEncodedContent([new(field, token)]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 210);
    }

    [Fact]
    public async Task ApiKeyAndExternalAuthId_NeverReachTheLogs_AtTrace()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();
        foreach (var answer in new[] { (200, """{"redirect_uri":"https://tenant.authkit.test/x"}"""), (400, "{}"), (401, "{}"), (500, "{}"), (200, """{"redirect_uri":"https://evil.example/x"}""") })
        {
            app.Api.Answer = answer;
            using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);
        }

        using (await browser.PostAsync("/login/mcp?external_auth_id=" + ExternalAuthId, new FormUrlEncodedContent([])))
        {
        }

        var records = app.Logs.GetSnapshot();
        Assert.Contains(records, r => r.Category == "TokenValidation.AspNetCore.LoginBridge.AuthKitLoginEndpoint");
        foreach (var record in records)
        {
            string text = record.ToFullText();
            Assert.DoesNotContain(LoginBridgeApp.ApiKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("ada@example.com", text, StringComparison.Ordinal);

            // ASP.NET Core's own request line carries the URL, query string included; nothing else may.
            if (record.Category != "Microsoft.AspNetCore.Hosting.Diagnostics")
            {
                Assert.DoesNotContain(ExternalAuthId, text, StringComparison.Ordinal);
            }
        }
    }
}
