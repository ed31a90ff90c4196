using Microsoft.AspNetCore.Routing;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Metadata;

/// <summary>
/// The discovery endpoints carry names an operator can read in routing logs and endpoint listings: which document, and
/// whether it is the path-inserted copy.
/// </summary>
public sealed class MetadataEndpointNameTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public MetadataEndpointNameTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task Each_metadata_route_is_named_after_its_document_and_the_path_inserted_ones_say_so()
    {
        await using var app = await McpTestApp.StartAsync(new McpTestAppOptions(_authKit.Authority));

        var names = ((IEndpointRouteBuilder)app.App).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.Contains(".well-known", StringComparison.Ordinal) == true)
            .ToDictionary(e => e.RoutePattern.RawText!, e => e.DisplayName);

        Assert.Equal("MCP Protected Resource Metadata", names["/.well-known/oauth-protected-resource"]);
        Assert.Equal("MCP Protected Resource Metadata (path-inserted)", names["/.well-known/oauth-protected-resource/mcp"]);
        Assert.Equal("OAuth Authorization Server Metadata", names["/.well-known/oauth-authorization-server"]);
        Assert.Equal("OAuth Authorization Server Metadata (path-inserted)", names["/.well-known/oauth-authorization-server/mcp"]);
    }
}
