using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TokenValidation.AspNetCore.LoginBridge;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>
/// An application with its own cookie sign-in and <c>MapAuthKitLogin("/login/mcp")</c>, on real Kestrel, whose
/// WorkOS API (configured as <c>https://api.workos.test</c>, valid in Production) is the <see cref="WorkOsApiStandIn"/>
/// on loopback; logs captured at Trace. <c>/test/sign-in</c> stands for the application's own login page.
/// </summary>
internal sealed partial class LoginBridgeApp : IAsyncDisposable
{
    public const string ApiKey = "sk_test_LOGINBRIDGE_SECRET_0123456789";
    public const string Authority = "https://tenant.authkit.test";

    private readonly WebApplication _app;

    private LoginBridgeApp(WebApplication app, WorkOsApiStandIn api, string origin)
    {
        _app = app;
        Api = api;
        Origin = origin;
    }

    public WorkOsApiStandIn Api { get; }

    public string Origin { get; }

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public static async Task<LoginBridgeApp> StartAsync(string environment = "Production", TimeSpan? timeout = null)
    {
        var api = await WorkOsApiStandIn.StartAsync();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment, ApplicationName = "Example App" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddFakeLogging();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Authority"] = Authority,
            ["TokenValidation:AuthKitLogin:ApiBaseUrl"] = "https://api.workos.test",
            ["TokenValidation:AuthKitLogin:ApiKey"] = ApiKey,
            ["TokenValidation:AuthKitLogin:Timeout"] = (timeout ?? TimeSpan.FromSeconds(1)).ToString(),
        });
        builder.Services.AddRouting();
        builder.Services.AddAuthentication().AddCookie();
        builder.Services.AddAuthKitLogin(builder.Configuration.GetSection("TokenValidation"));

        // The configured host is not resolvable: every attempt goes to the stand-in on loopback instead.
        builder.Services.AddHttpClient(AuthKitLoginDefaults.HttpClientName).AddHttpMessageHandler(() => new ToLoopback(api.Port));

        var app = builder.Build();
        app.MapGet("/test/sign-in", async context =>
        {
            var query = context.Request.Query;
            var identity = new ClaimsIdentity(
                [new("sub", query["id"].ToString()), new("email", query["email"].ToString()), new("given_name", query["first"].ToString())],
                "Cookies");
            await context.SignInAsync("Cookies", new ClaimsPrincipal(identity));
        });
        app.MapAuthKitLogin("/login/mcp");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoginBridgeApp(app, api, address);
    }

    /// <summary>A browser: keeps cookies, follows no redirect by itself (so each hop can be checked).</summary>
    public HttpClient Browser() =>
        new(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(Origin) };

    /// <summary>A browser signed in to the application as <paramref name="id"/>.</summary>
    public async Task<HttpClient> SignedInBrowserAsync(string id = "42", string email = "ada@example.com", string first = "Ada")
    {
        var browser = Browser();
        using var response = await browser.GetAsync($"/test/sign-in?id={id}&email={Uri.EscapeDataString(email)}&first={Uri.EscapeDataString(first)}");
        response.EnsureSuccessStatusCode();
        return browser;
    }

    /// <summary>The confirmation page's form: its action and its antiforgery field.</summary>
    public static (string Action, string Field, string Token) ConfirmationForm(string html)
    {
        var action = FormAction().Match(html);
        var hidden = HiddenInput().Match(html);
        Assert.True(action.Success && hidden.Success, "No confirmation form in:\n" + html);
        return (WebUtility.HtmlDecode(action.Groups[1].Value), WebUtility.HtmlDecode(hidden.Groups[1].Value), WebUtility.HtmlDecode(hidden.Groups[2].Value));
    }

    /// <summary>GETs the confirmation page for <paramref name="externalAuthId"/> and POSTs its form.</summary>
    public static async Task<HttpResponseMessage> ConfirmAsync(HttpClient browser, string externalAuthId)
    {
        using var page = await browser.GetAsync("/login/mcp?external_auth_id=" + externalAuthId);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var (action, field, token) = ConfirmationForm(await page.Content.ReadAsStringAsync());
        return await browser.PostAsync(action, new FormUrlEncodedContent([new(field, token)]));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Api.DisposeAsync();
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();

    private sealed class ToLoopback(int port) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = "http", Host = "127.0.0.1", Port = port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
