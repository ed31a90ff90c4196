using System.Net;
using System.Text.RegularExpressions;
using System.Web;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;

namespace McpServerSample.Tests;

/// <summary>
/// The OAuth bridge end to end (CONTRACT §14): the sample with <c>Sample:Bridge=true</c> in Development, where the
/// stand-in plays AuthKit's half of Standalone Connect. The official MCP client with its OAuth support meets a 401,
/// reads the PRM and the stand-in's metadata, registers, and sends a browser (an HttpClient keeping cookies, following
/// each redirect) to authorize: the sample's Login URI, its own password sign-in, the confirmation, the completion
/// call, back to the client with a code; then its token calls <c>whoami</c> as the app's local user.
/// </summary>
public sealed partial class BridgeLoopTests : IAsyncLifetime
{
    private const string Email = "ada@example.com";
    private const string Password = "correct horse battery";
    private static readonly Uri ClientRedirectUri = new("http://127.0.0.1:1/oauth/callback");

    private readonly string _directory = Directory.CreateTempSubdirectory("mcp-sample-bridge-").FullName;
    private SampleProcess? _sample;

    public async Task InitializeAsync() =>
        _sample = await SampleProcess.StartAsync("Development", new Dictionary<string, string>
        {
            ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(_directory, "sample.db")}",
            ["Sample:Bridge"] = "true",
        }, readyLine: "/dev-authkit/try");

    public async Task DisposeAsync()
    {
        if (_sample is not null)
        {
            await _sample.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task OfficialClient_SignsInThroughTheLoginUri_AsTheAppsOwnUser_AndWhoAmIAnswersAsThatUser()
    {
        var sample = _sample!;
        string localUserId = await SignUpAsync(sample.Origin);
        var trail = new List<Uri>();
        using var browser = Browser(sample.Origin);

        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(sample.Value("MCP endpoint:")),
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ClientOAuthOptions
            {
                RedirectUri = ClientRedirectUri,
                DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "bridge loop test" },
                AuthorizationCallbackHandler = (context, cancellationToken) => BrowseAsync(browser, context.AuthorizationUri, trail, cancellationToken),
            },
        };
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(options));
        var whoami = await client.CallToolAsync("whoami");

        Assert.NotEqual(true, whoami.IsError);
        var me = whoami.StructuredContent!.Value;
        Assert.StartsWith("user_", me.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal(Email, me.GetProperty("email").GetString());
        Assert.Equal(localUserId, me.GetProperty("localUserId").GetString());
        Assert.Equal("authkit", me.GetProperty("source").GetString());
        Assert.Equal(["mcp:tools"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        // The browser went where Standalone Connect sends it, in order.
        Assert.Equal(
            ["/dev-authkit/oauth2/authorize", "/login/mcp", "/account/login", "/login/mcp", "/dev-authkit/oauth2/authorize/complete", "/oauth/callback"],
            trail.Select(u => u.AbsolutePath));
        Assert.Equal(sample.Port, trail[^2].Port);
        var callback = HttpUtility.ParseQueryString(trail[^1].Query);
        Assert.Equal(sample.Value("AuthKit stand-in (Development only):"), callback["iss"]);
    }

    /// <summary>The person at the browser: signs in with the app's password form, confirms, and hands the code back.</summary>
    private static async Task<AuthorizationResult?> BrowseAsync(HttpClient browser, Uri authorizationUri, List<Uri> trail, CancellationToken cancellationToken)
    {
        trail.Add(authorizationUri);
        var (signInPage, signInUrl) = await FollowAsync(browser, new HttpRequestMessage(HttpMethod.Get, authorizationUri), trail, cancellationToken);
        Assert.Equal("/account/login", signInUrl.AbsolutePath);
        var (action, field, token) = Form(signInPage);
        var (confirmation, confirmationUrl) = await FollowAsync(
            browser,
            new HttpRequestMessage(HttpMethod.Post, new Uri(signInUrl, action)) { Content = new FormUrlEncodedContent([new(field, token), new("email", Email), new("password", Password)]) },
            trail,
            cancellationToken);
        Assert.Equal("/login/mcp", confirmationUrl.AbsolutePath);
        Assert.Contains("to an MCP client as Ada Lovelace (" + Email + ")?", confirmation, StringComparison.Ordinal);

        (action, field, token) = Form(confirmation);
        var (_, callback) = await FollowAsync(
            browser,
            new HttpRequestMessage(HttpMethod.Post, new Uri(confirmationUrl, action)) { Content = new FormUrlEncodedContent([new(field, token)]) },
            trail,
            cancellationToken);
        var query = HttpUtility.ParseQueryString(callback.Query);
        return new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] };
    }

    /// <summary>Sends <paramref name="request"/> and follows redirects as a browser does, stopping at the client's redirect URI.</summary>
    private static async Task<(string Html, Uri Url)> FollowAsync(HttpClient browser, HttpRequestMessage request, List<Uri> trail, CancellationToken cancellationToken)
    {
        for (int hops = 0; hops < 10; hops++)
        {
            var url = request.RequestUri!;
            using var response = await browser.SendAsync(request, cancellationToken);
            request.Dispose();
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                var next = new Uri(url, response.Headers.Location!);
                trail.Add(next);
                if (next.GetLeftPart(UriPartial.Path) == ClientRedirectUri.AbsoluteUri)
                {
                    return ("", next);
                }

                request = new HttpRequestMessage(HttpMethod.Get, next);
                continue;
            }

            string html = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} at {url}:\n{html}");
            return (html, url);
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    /// <summary>Creates the app user with the sample's sign-up form; returns the local user id its account page shows.</summary>
    private static async Task<string> SignUpAsync(string origin)
    {
        using var browser = Browser(origin);
        string page = await browser.GetStringAsync("/account/register");
        var (action, field, token) = Form(page);
        using (var created = await browser.PostAsync(action, new FormUrlEncodedContent([new(field, token), new("name", "Ada Lovelace"), new("email", Email), new("password", Password)])))
        {
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        }

        string account = await browser.GetStringAsync("/account");
        return LocalUserId().Match(account).Groups[1].Value;
    }

    private static HttpClient Browser(string origin) =>
        new(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(origin) };

    private static (string Action, string Field, string Token) Form(string html)
    {
        var form = FormTag().Match(html);
        var hidden = HiddenInput().Match(html);
        Assert.True(form.Success && hidden.Success, "No form in:\n" + html);
        return (WebUtility.HtmlDecode(form.Groups[1].Value), WebUtility.HtmlDecode(hidden.Groups[1].Value), WebUtility.HtmlDecode(hidden.Groups[2].Value));
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\"")]
    private static partial Regex FormTag();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("<code>([0-9a-f-]{36})</code>")]
    private static partial Regex LocalUserId();
}
