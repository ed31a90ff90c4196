using System.Net;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Logging;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>
/// What the user reads and what the operator is told for each way a Login URI request ends (CONTRACT §14): the exact
/// problem page (title, explanation, a retry link only when trying again can help) and the one log record saying why.
/// </summary>
public sealed class AuthKitLoginPageTests
{
    private const string ExternalAuthId = "ext_auth_01J3X4Y5Z6A7B8C9D0E1F2G3H4";
    private const string Style = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}"
        + "button{font-size:1rem;padding:.5rem 1.25rem}";

    private const string StartAgain = "The connection request may have expired or already been used, or your email address may already belong to "
        + "another account. Start connecting again from your MCP client; if this keeps happening, contact Example App's support.";

    public static TheoryData<int, string, HttpStatusCode, string, string, int, LogLevel, string> Answers => new()
    {
        {
            200, "{}", HttpStatusCode.BadGateway,
            "AuthKit's answer could not be used",
            "Example App did not send you on, because AuthKit's answer did not lead back to AuthKit. Start connecting again from your MCP client; if this keeps happening, contact Example App's support.",
            209, LogLevel.Error, "AuthKit's completion answer (HTTP 200) has no redirect_uri that is absolute https on tenant.authkit.test; not redirecting"
        },
        {
            401, "{}", HttpStatusCode.BadRequest,
            "The connection could not be completed",
            "AuthKit did not accept Example App's credentials, so your MCP client cannot be connected right now. This is not something you can fix: contact Example App's support.",
            207, LogLevel.Error, "AuthKit refused the API key with HTTP 401: check TokenValidation:AuthKitLogin:ApiKey"
        },
        {
            400, "{}", HttpStatusCode.BadRequest,
            "AuthKit could not complete the connection", StartAgain,
            206, LogLevel.Warning, "AuthKit refused the sign-in completion with HTTP 400"
        },
        {
            400, """{"message":"Expired.","error_description":"ignored"}""", HttpStatusCode.BadRequest,
            "AuthKit could not complete the connection", StartAgain + " AuthKit said: Expired.",
            206, LogLevel.Warning, "AuthKit refused the sign-in completion with HTTP 400"
        },
        {
            422, "{\"message\":\"" + new string('m', 300) + "\"}", HttpStatusCode.BadRequest,
            "AuthKit could not complete the connection", StartAgain + " AuthKit said: " + new string('m', 300),
            206, LogLevel.Warning, "AuthKit refused the sign-in completion with HTTP 422"
        },
        {
            500, "{}", HttpStatusCode.ServiceUnavailable,
            "AuthKit could not be reached",
            "You are signed in to Example App, but AuthKit did not answer in time to finish connecting your MCP client. Try again in a moment.",
            208, LogLevel.Warning, "AuthKit sign-in completion unavailable (HTTP 500); answering 503"
        },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Each_completion_answer_gets_its_exact_page_and_one_log_record(
        int apiStatus, string apiBody, HttpStatusCode expected, string title, string detail, int eventId, LogLevel level, string message)
    {
        await using var app = await LoginBridgeApp.StartAsync();
        app.Api.Answer = (apiStatus, apiBody);
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(expected, response.StatusCode);
        string? retry = expected == HttpStatusCode.ServiceUnavailable ? "/login/mcp?external_auth_id=" + ExternalAuthId : null;
        Assert.Equal(ProblemPage(title, detail, retry), await response.Content.ReadAsStringAsync());
        var record = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == eventId);
        Assert.Equal(level, record.Level);
        Assert.Equal(message, record.Message);
    }

    [Fact]
    public async Task In_development_the_unusable_answer_log_says_http_is_accepted_too()
    {
        await using var app = await LoginBridgeApp.StartAsync("Development");
        app.Api.Answer = (200, "{}");
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var record = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 209);
        Assert.Equal("AuthKit's completion answer (HTTP 200) has no redirect_uri that is absolute http(s) on tenant.authkit.test; not redirecting", record.Message);
    }

    [Fact]
    public async Task A_completed_sign_in_is_logged_with_the_authority_host_only()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var record = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 205);
        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Equal("AuthKit sign-in completed; redirecting to tenant.authkit.test", record.Message);
    }

    [Fact]
    public async Task A_connection_that_never_opens_is_logged_as_a_failed_connection()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();
        using var page = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        var (action, field, token) = LoginBridgeApp.ConfirmationForm(await page.Content.ReadAsStringAsync());
        await app.Api.DisposeAsync();

        using var response = await browser.PostAsync(action, new FormUrlEncodedContent([new(field, token)]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var record = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 208);
        Assert.Equal("AuthKit sign-in completion unavailable (connection failed (ConnectionError)); answering 503", record.Message);
    }

    [Fact]
    public async Task An_altered_link_gets_the_invalid_link_page()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = app.Browser();

        using var response = await browser.GetAsync("/login/mcp?external_auth_id=bad%21id");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            ProblemPage("This connection link is not valid", "It is missing its external_auth_id, or it was altered. Go back to your MCP client and start connecting again.", null),
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_user_the_factory_refuses_gets_the_account_page_naming_the_application()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync(email: "");

        using var response = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            ProblemPage("This account cannot be connected", "Your account in Example App cannot be connected to an MCP client. Contact Example App's support if you think it should.", null),
            await response.Content.ReadAsStringAsync());
        Assert.Equal(LogLevel.Information, Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 204).Level);
    }

    [Fact]
    public async Task A_confirmation_without_its_antiforgery_token_gets_the_expired_page()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        using var response = await browser.PostAsync("/login/mcp?external_auth_id=" + ExternalAuthId, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            ProblemPage("This confirmation could not be accepted", "It expired, or it was not sent from this page. Go back to your MCP client and start connecting again.", null),
            await response.Content.ReadAsStringAsync());
        Assert.Equal(LogLevel.Information, Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 203).Level);
    }

    [Fact]
    public async Task The_confirmation_page_is_exactly_the_question_and_one_allow_button()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync(first: "Ada");

        using var response = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId);
        string html = await response.Content.ReadAsStringAsync();

        var (action, field, token) = LoginBridgeApp.ConfirmationForm(html);
        var e = HtmlEncoder.Default;
        Assert.Equal(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Connect Example App</title>"
            + "<style>" + Style + "</style></head><body>"
            + "<h1>Connect Example App to an MCP client as Ada (ada@example.com)?</h1>"
            + "<p>An MCP client (an AI assistant or another tool) asked to act as you in Example App"
            + ". Allow it only if you started connecting it yourself just now. If you did not, close this page.</p>"
            + "<form method=\"post\" action=\"" + e.Encode(action) + "\">"
            + "<input type=\"hidden\" name=\"" + e.Encode(field) + "\" value=\"" + e.Encode(token) + "\">"
            + "<button type=\"submit\">Allow</button></form></body></html>",
            html);
    }

    [Fact]
    public async Task The_sign_in_challenge_comes_back_with_the_external_auth_id_alone()
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = app.Browser();

        using var response = await browser.GetAsync("/login/mcp?external_auth_id=" + ExternalAuthId + "&next=https%3A%2F%2Fevil.example");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=" + Uri.EscapeDataString("/login/mcp?external_auth_id=" + ExternalAuthId), response.Headers.Location!.PathAndQuery);
    }

    private static string ProblemPage(string title, string detail, string? retryUrl)
    {
        var e = HtmlEncoder.Default;
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + e.Encode(title) + "</title>"
            + "<style>" + Style + "</style></head><body>"
            + "<h1>" + e.Encode(title) + "</h1><p>" + e.Encode(detail) + "</p>"
            + (retryUrl is null ? "" : "<p><a href=\"" + e.Encode(retryUrl) + "\">Try again</a></p>")
            + "</body></html>";
    }
}
