using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.LoginBridge;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>
/// The Login URI's remaining answers (CONTRACT §14): each way the completion API can answer, the ids it accepts, the user
/// it builds from standard claims, the pages' headers, and its start-up checks.
/// </summary>
public sealed class AuthKitLoginAnswerTests
{
    private const string ExternalAuthId = "ext_auth_01J3X4Y5Z6A7B8C9D0E1F2G3H4";

    public static TheoryData<int, string, HttpStatusCode> Answers => new()
    {
        { 408, "{}", HttpStatusCode.ServiceUnavailable },
        { 429, "{}", HttpStatusCode.ServiceUnavailable },
        { 503, "{}", HttpStatusCode.ServiceUnavailable },
        { 403, "{}", HttpStatusCode.BadRequest },
        { 404, "{}", HttpStatusCode.BadRequest },
        { 499, "{}", HttpStatusCode.BadRequest },
        { 200, "{}", HttpStatusCode.BadGateway },
        { 200, """{"redirect_uri":""}""", HttpStatusCode.BadGateway },
        { 200, "not json", HttpStatusCode.BadGateway },
        { 204, "", HttpStatusCode.BadGateway },
        { 302, """{"redirect_uri":"https://tenant.authkit.test/x"}""", HttpStatusCode.BadGateway },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Each_completion_answer_gets_its_page_after_exactly_one_call(int status, string body, HttpStatusCode expected)
    {
        await using var app = await LoginBridgeApp.StartAsync();
        app.Api.Answer = (status, body);
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(expected, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(1, app.Api.Calls);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Equal(expected == HttpStatusCode.ServiceUnavailable, html.Contains("Try again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api403_is_the_key_page_that_sends_the_user_to_support()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        app.Api.Answer = (403, """{"message":"Forbidden"}""");
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("AuthKit did not accept Example App&#x27;s credentials", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Forbidden", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_quotes_its_error_description_when_it_has_no_message_and_shortens_a_long_one()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        app.Api.Answer = (422, """{"error":"invalid_request","error_description":"  Email already linked.  "}""");
        using var described = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);
        string describedHtml = await described.Content.ReadAsStringAsync();

        string longMessage = new string('m', 300) + "TAIL";
        app.Api.Answer = (400, "{\"message\":\"" + longMessage + "\"}");
        using var shortened = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);
        string shortenedHtml = await shortened.Content.ReadAsStringAsync();

        app.Api.Answer = (400, """{"message":""}""");
        using var silent = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);
        string silentHtml = await silent.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, described.StatusCode);
        Assert.Contains("AuthKit said: Email already linked.</p>", describedHtml, StringComparison.Ordinal);
        Assert.Contains("AuthKit said: " + new string('m', 300) + "&#x2026;</p>", shortenedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("TAIL", shortenedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("AuthKit said", silentHtml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("A-z_0.9~")]
    public async Task An_id_of_unreserved_characters_up_to_256_long_is_accepted(string id)
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        using var shortId = await browser.GetAsync("/login/mcp?external_auth_id=" + id);
        using var longest = await browser.GetAsync("/login/mcp?external_auth_id=" + new string('x', 256));

        Assert.Equal(HttpStatusCode.OK, shortId.StatusCode);
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
    }

    [Fact]
    public async Task A_user_without_an_email_cannot_be_connected_and_nothing_is_called()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync(email: "");

        using var response = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("This account cannot be connected", html, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal(0, app.Api.Calls);
    }

    [Fact]
    public async Task Every_page_forbids_caching_framing_sniffing_and_referrers_and_posts_only_here_or_to_the_authority()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        using var confirmation = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        using var problem = await browser.GetAsync("/login/mcp");
        using var redirect = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        foreach (var response in new[] { confirmation, problem, redirect })
        {
            Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
            Assert.Equal("no-cache", response.Headers.Pragma.ToString());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal(
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self' https://tenant.authkit.test",
                response.Headers.GetValues("Content-Security-Policy").Single());
        }

        Assert.Equal("text/html; charset=utf-8", confirmation.Content.Headers.ContentType!.ToString());
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
    }

    [Fact]
    public async Task The_confirmation_names_the_user_by_name_and_email()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var named = await app.SignedInBrowserAsync(first: "Ada");
        using var unnamed = await app.SignedInBrowserAsync(id: "43", email: "bo@example.com", first: "");

        string namedHtml = await named.GetStringAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        string unnamedHtml = await unnamed.GetStringAsync("/login/mcp?external_auth_id=" + ExternalAuthId);

        Assert.Contains("<h1>Connect Example App to an MCP client as Ada (ada@example.com)?</h1>", namedHtml, StringComparison.Ordinal);
        Assert.Contains("<h1>Connect Example App to an MCP client as bo@example.com?</h1>", unnamedHtml, StringComparison.Ordinal);
        Assert.Contains("<title>Connect Example App</title>", namedHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_user_comes_from_the_standard_claims_short_names_first()
    {
        var factory = new ClaimsAuthKitUserFactory();
        var context = new DefaultHttpContext();
        var longNames = new ClaimsPrincipal(new ClaimsIdentity(
            [new(ClaimTypes.NameIdentifier, "7"), new(ClaimTypes.Email, "ada@example.com"), new(ClaimTypes.GivenName, "Ada"), new(ClaimTypes.Surname, "Lovelace")], "Cookies"));
        var both = new ClaimsPrincipal(new ClaimsIdentity(
            [new("sub", "8"), new(ClaimTypes.NameIdentifier, "9"), new("email", ""), new(ClaimTypes.Email, "b@example.com"), new("family_name", "Byron")], "Cookies"));
        var noId = new ClaimsPrincipal(new ClaimsIdentity([new("email", "c@example.com")], "Cookies"));

        var fromLong = await factory.CreateUserAsync(longNames, context, default);
        var fromShort = await factory.CreateUserAsync(both, context, default);

        Assert.Equal(new AuthKitUser("7", "ada@example.com", "Ada", "Lovelace"), fromLong);
        Assert.Equal(new AuthKitUser("8", "b@example.com", null, "Byron"), fromShort);
        Assert.Null(await factory.CreateUserAsync(noId, context, default));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await factory.CreateUserAsync(null!, context, default));
    }

    [Theory]
    [InlineData("00:02:00", null)]
    [InlineData("00:02:00.001", "TokenValidation:AuthKitLogin:Timeout must be more than 0 and at most")]
    [InlineData("-00:00:01", "TokenValidation:AuthKitLogin:Timeout must be more than 0 and at most")]
    public void The_timeout_is_positive_and_at_most_two_minutes(string timeout, string? expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKitLogin:ApiKey"] = "sk_test_x",
            ["TokenValidation:AuthKitLogin:Timeout"] = timeout,
            ["TokenValidation:AuthKit:Authority"] = "https://tenant.authkit.app",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAuthKitLogin(configuration.GetSection("TokenValidation"));
        using var provider = services.BuildServiceProvider();

        if (expected is null)
        {
            Assert.Equal(TimeSpan.FromMinutes(2), provider.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value.Timeout);
            return;
        }

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_sign_in_scheme_is_refused_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKitLogin:ApiKey"] = "sk_test_x",
            ["TokenValidation:AuthKitLogin:SignInScheme"] = " ",
            ["TokenValidation:AuthKit:Authority"] = "https://tenant.authkit.app",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAuthKitLogin(configuration.GetSection("TokenValidation"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value);

        Assert.Contains("TokenValidation:AuthKitLogin:SignInScheme is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapAuthKitLogin_without_AddAuthKitLogin_says_what_to_call()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapAuthKitLogin("/login/mcp"));

        Assert.Contains("services.AddAuthKitLogin(", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => app.MapAuthKitLogin(""));
    }
}
