using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Cors;

/// <summary>
/// The CORS headers the package writes itself (CONTRACT §8): the MCP endpoint's preflight (<c>MapMcpPreflight</c>), the
/// metadata documents' preflight, and the error answers, header by header.
/// </summary>
public sealed class McpPreflightEndpointTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public McpPreflightEndpointTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    private McpTestAppOptions Options()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.BeforeRouting = app => app.MapMcpPreflight("/mcp");
        return options;
    }

    private static HttpRequestMessage Preflight(string path, string? requestedHeaders, string requestedMethod = "POST")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "https://inspector.example.com");
        request.Headers.Add("Access-Control-Request-Method", requestedMethod);
        if (requestedHeaders is not null)
        {
            request.Headers.Add("Access-Control-Request-Headers", requestedHeaders);
        }

        return request;
    }

    [Fact]
    public async Task A_browser_preflight_of_the_mcp_endpoint_is_204_with_every_header_the_transport_needs()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        using var request = Preflight("/mcp", "authorization, mcp-protocol-version");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("GET, POST, DELETE, OPTIONS", response.Header("Allow"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("GET, POST, DELETE, OPTIONS", response.Header("Access-Control-Allow-Methods"));
        Assert.Equal("Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID", response.Header("Access-Control-Allow-Headers"));
        Assert.Equal("WWW-Authenticate, Retry-After, Mcp-Session-Id, MCP-Protocol-Version", response.Header("Access-Control-Expose-Headers"));
        Assert.Equal("86400", response.Header("Access-Control-Max-Age"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task The_mcp_preflight_answers_with_the_configured_origin()
    {
        var options = Options();
        options.Settings["TokenValidation:AllowedOrigin"] = "https://chat.example.com";
        await using var app = await McpTestApp.StartAsync(options);
        using var request = Preflight("/mcp", "authorization");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://chat.example.com", response.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Without_an_allowed_origin_the_mcp_preflight_is_204_with_no_cors_headers()
    {
        var options = Options();
        options.Settings["TokenValidation:AllowedOrigin"] = "";
        await using var app = await McpTestApp.StartAsync(options);
        using var request = Preflight("/mcp", "authorization");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("GET, POST, DELETE, OPTIONS", response.Header("Allow"));
        Assert.Null(response.Header("Access-Control-Allow-Origin"));
        Assert.Null(response.Header("Access-Control-Allow-Methods"));
        Assert.Null(response.Header("Access-Control-Allow-Headers"));
        Assert.Null(response.Header("Access-Control-Expose-Headers"));
        Assert.Null(response.Header("Access-Control-Max-Age"));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task A_method_the_mcp_endpoint_does_not_map_is_405_naming_the_allowed_ones(string method)
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.Client.SendAsync(McpTestApp.Request(new HttpMethod(method), "/mcp"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, POST, DELETE, OPTIONS", response.Header("Allow"));
        Assert.Null(response.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_mcp_preflight_is_anonymous_under_a_fallback_policy_that_requires_authentication()
    {
        var options = Options();
        options.Services = builder => builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        await using var app = await McpTestApp.StartAsync(options);
        using var request = Preflight("/mcp", "authorization");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task MapMcpPreflight_refuses_an_empty_pattern()
    {
        var app = McpTestApp.Build(new McpTestAppOptions(_authKit.Authority));
        await using (app)
        {
            Assert.Throws<ArgumentException>(() => app.MapMcpPreflight(""));
        }
    }

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource")]
    [InlineData("/.well-known/oauth-authorization-server")]
    public async Task A_metadata_preflight_echoes_the_requested_headers_for_a_day(string path)
    {
        await using var app = await McpTestApp.StartAsync(Options());
        using var request = Preflight(path, "mcp-protocol-version", "GET");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("GET, HEAD, OPTIONS", response.Header("Allow"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("GET, HEAD, OPTIONS", response.Header("Access-Control-Allow-Methods"));
        Assert.Equal("mcp-protocol-version", response.Header("Access-Control-Allow-Headers"));
        Assert.Equal("86400", response.Header("Access-Control-Max-Age"));
        Assert.Equal("Access-Control-Request-Headers", response.Header("Vary"));
        Assert.Equal(0, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task A_metadata_preflight_without_requested_headers_allows_none()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        using var request = Preflight("/.well-known/oauth-protected-resource", requestedHeaders: null, "GET");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(response.Header("Access-Control-Allow-Headers"));
        Assert.Equal("86400", response.Header("Access-Control-Max-Age"));
    }

    [Fact]
    public async Task Without_an_allowed_origin_a_401_carries_no_cors_headers()
    {
        var options = Options();
        options.Settings["TokenValidation:AllowedOrigin"] = "";
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Header("Access-Control-Allow-Origin"));
        Assert.Null(response.Header("Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task An_origin_the_application_already_set_is_kept_on_a_401()
    {
        var options = Options();
        options.BeforeRouting = app =>
        {
            app.MapMcpPreflight("/mcp");
            app.Use((context, next) =>
            {
                context.Response.Headers.AccessControlAllowOrigin = "https://app.example.com";
                return next(context);
            });
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("https://app.example.com", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate", response.Header("Access-Control-Expose-Headers"));
    }
}
