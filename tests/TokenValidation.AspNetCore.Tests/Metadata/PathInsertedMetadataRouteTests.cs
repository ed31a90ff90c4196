using System.Net;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Metadata;

/// <summary>
/// The path-inserted Protected Resource Metadata route (RFC 9728 §3.1) for resource paths routing could misread: a
/// percent-encoded path is matched as clients send it, and braces are literal characters, not a route parameter.
/// </summary>
public sealed class PathInsertedMetadataRouteTests : IClassFixture<AuthKitFixture>
{
    private const string WellKnown = "/.well-known/oauth-protected-resource";
    private readonly AuthKitStandIn _authKit;

    public PathInsertedMetadataRouteTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task A_percent_encoded_resource_path_is_answered_where_clients_insert_it()
    {
        await using var app = await StartAsync("https://mcp.example.com/team%20a/mcp");

        using var response = await app.GetAsync(WellKnown + "/team%20a/mcp");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("{\"resource\":\"https://mcp.example.com/team%20a/mcp\",", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Braces_in_the_resource_path_are_literal_so_no_other_path_answers()
    {
        await using var app = await StartAsync("https://mcp.example.com/{tenant}/mcp");

        using var literal = await app.GetAsync(WellKnown + "/%7Btenant%7D/mcp");
        using var other = await app.GetAsync(WellKnown + "/acme/mcp");

        Assert.Equal(HttpStatusCode.OK, literal.StatusCode);
        Assert.StartsWith("{\"resource\":\"https://mcp.example.com/{tenant}/mcp\",", await literal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    private async Task<McpTestApp> StartAsync(string resource)
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:Resource"] = resource;
        return await McpTestApp.StartAsync(options);
    }
}
