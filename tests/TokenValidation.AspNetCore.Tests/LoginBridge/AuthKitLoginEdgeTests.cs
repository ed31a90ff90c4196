using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>
/// The Login URI's less travelled paths (CONTRACT §14): why a link was refused (for the operator, at Debug), and the
/// completion answers that must not send the browser anywhere: a 3xx, one over the size limit, a redirect_uri that is not
/// one clean absolute URL.
/// </summary>
public sealed class AuthKitLoginEdgeTests
{
    private const string ExternalAuthId = "ext_auth_edge_0123456789";

    public static TheoryData<string, string> RefusedLinks => new()
    {
        { "/login/mcp", "missing" },
        { "/login/mcp?external_auth_id=" + new string('a', 257), "too long" },
        { "/login/mcp?external_auth_id=ext%20auth", "characters outside A-Z a-z 0-9 - _ . ~" },
        { "/login/mcp?external_auth_id=a&external_auth_id=b", "repeated" },
    };

    [Theory]
    [MemberData(nameof(RefusedLinks))]
    public async Task A_refused_link_is_logged_at_debug_saying_what_is_wrong_with_its_id(string url, string problem)
    {
        await using var app = await LoginBridgeApp.StartAsync();
        using var browser = await app.SignedInBrowserAsync();

        using var response = await browser.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var record = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 200);
        Assert.Equal(LogLevel.Debug, record.Level);
        Assert.Equal("Login URI request refused: external_auth_id " + problem, record.Message);
    }

    public static TheoryData<int, string> UnusableAnswers => new()
    {
        // A 3xx is not a success, whatever its body says.
        { 300, """{"redirect_uri":"https://tenant.authkit.test/oauth2/authorize/complete?state=s1"}""" },

        // Over the 64 KiB limit: not read at all.
        { 200, """{"redirect_uri":"https://tenant.authkit.test/oauth2/authorize/complete?state=s1","pad":""" + "\"" + new string('x', 70_000) + "\"}" },

        // Not one clean absolute URL.
        { 200, """{"redirect_uri":" https://tenant.authkit.test/oauth2/authorize/complete"}""" },
        { 200, """{"redirect_uri":"https://[tenant.authkit.test/complete"}""" },
    };

    [Theory]
    [MemberData(nameof(UnusableAnswers))]
    public async Task An_unusable_completion_answer_is_a_502_page_not_a_redirect(int status, string body)
    {
        await using var app = await LoginBridgeApp.StartAsync();
        app.Api.Answer = (status, body);
        using var browser = await app.SignedInBrowserAsync();

        using var response = await LoginBridgeApp.ConfirmAsync(browser, ExternalAuthId);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(1, app.Api.Calls);
    }

    [Fact]
    public void MapAuthKitLogin_on_null_names_the_endpoints() =>
        Assert.Equal("endpoints", Assert.Throws<ArgumentNullException>(() => ((IEndpointRouteBuilder)null!).MapAuthKitLogin("/login/mcp")).ParamName);

    [Fact]
    public async Task The_login_route_is_named_for_routing_logs()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAuthKitLogin(new ConfigurationBuilder().Build().GetSection("TokenValidation"));
        await using var app = builder.Build();

        app.MapAuthKitLogin("/login/mcp");

        var endpoint = Assert.Single(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints));
        Assert.Equal("AuthKit Login URI", endpoint.DisplayName);
    }
}
