using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using TokenValidation.AspNetCore.Tests.Infrastructure;

namespace TokenValidation.AspNetCore.Tests.Metadata;

/// <summary>
/// The <c>authorization_servers</c> of the Protected Resource Metadata (CONTRACT §8, RFC 9728 §3.2): every trusted
/// issuer once, in a fixed order, written as configured; left out when no issuer is configured, never published empty.
/// </summary>
public sealed class AuthorizationServersTests
{
    private const string Authority = "https://example.authkit.app";

    [Fact]
    public async Task Without_any_issuer_authorization_servers_is_left_out_rather_than_published_empty()
    {
        await using var app = await StartApiKeysOnlyAsync();
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/.well-known/oauth-protected-resource");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            "{\"resource\":\"https://mcp.example.com/mcp\",\"scopes_supported\":[\"mcp:tools\"],\"bearer_methods_supported\":[\"header\"]}",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_an_authkit_authority_the_authorization_server_metadata_path_is_404()
    {
        await using var app = await StartApiKeysOnlyAsync();
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Authkit_then_jwt_then_introspection_issuers_are_named_in_that_order()
    {
        await using var app = await StartWithIssuersAsync(jwtIssuer: "https://jwt.example.com", introspectionIssuer: "https://introspect.example.com/t");

        using var response = await app.GetAsync("/.well-known/oauth-protected-resource");

        Assert.Contains(
            $"\"authorization_servers\":[\"{Authority}\",\"https://jwt.example.com\",\"https://introspect.example.com/t\"]",
            await response.Content.ReadAsStringAsync(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_issuer_trusted_by_two_validators_is_named_once()
    {
        await using var app = await StartWithIssuersAsync(jwtIssuer: Authority, introspectionIssuer: Authority);

        using var response = await app.GetAsync("/.well-known/oauth-protected-resource");

        Assert.Contains($"\"authorization_servers\":[\"{Authority}\"],", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<McpTestApp> StartWithIssuersAsync(string jwtIssuer, string introspectionIssuer)
    {
        var options = new McpTestAppOptions(Authority) { TokenValidation = tv => tv.AddJwt().AddIntrospection() };
        options.Settings["TokenValidation:Jwt:Issuer"] = jwtIssuer;
        options.Settings["TokenValidation:Introspection:Issuer"] = introspectionIssuer;
        options.Settings["TokenValidation:Introspection:ClientId"] = "resource-server";
        options.Settings["TokenValidation:Introspection:ClientSecret"] = "s3cret";
        return await McpTestApp.StartAsync(options);
    }

    // API keys only: the server trusts no authorization server at all.
    private static async Task<WebApplication> StartApiKeysOnlyAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:Resource"] = "https://mcp.example.com/mcp",
            ["TokenValidation:Scopes:0"] = "mcp:tools",
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "ci-bot",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = McpTestApp.ApiKey.Hash,
            ["TokenValidation:ApiKeys:Keys:0:Scopes:0"] = "mcp:tools",
        });
        var section = builder.Configuration.GetSection("TokenValidation");
        builder.Services.AddTokenValidation(section).AddApiKeys();
        builder.Services.AddAuthentication(McpBearerDefaults.AuthenticationScheme).AddMcpBearer(section);
        var app = builder.Build();
        app.MapProtectedResourceMetadata();
        app.MapAuthorizationServerMetadata();
        await app.StartAsync();
        return app;
    }
}
