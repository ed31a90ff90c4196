using System.Net;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;
using static TokenValidation.AspNetCore.Tests.Infrastructure.Http;

namespace TokenValidation.AspNetCore.Tests;

/// <summary>CONTRACT §12 and §13 through the McpBearer scheme: what a client sees for each introspection outcome.</summary>
public sealed class IntrospectionChallengeTests : IClassFixture<AuthKitFixture>, IAsyncLifetime
{
    private const string Token = "opaque_0123456789abcdefghijABCDEFGHIJ";
    private readonly AuthKitStandIn _authKit;
    private AuthorizationServerStandIn _server = null!;

    public IntrospectionChallengeTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    public async Task InitializeAsync() => _server = await AuthorizationServerStandIn.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private McpTestAppOptions Options(string secret = AuthorizationServerStandIn.ClientSecret)
    {
        var options = new McpTestAppOptions(_authKit.Authority) { TokenValidation = b => b.AddIntrospection() };
        options.Settings["TokenValidation:Introspection:Issuer"] = _server.Issuer;
        options.Settings["TokenValidation:Introspection:ClientId"] = AuthorizationServerStandIn.ClientId;
        options.Settings["TokenValidation:Introspection:ClientSecret"] = secret;
        options.Settings["TokenValidation:Introspection:AllowHttp"] = "true";
        return options;
    }

    [Fact]
    public async Task An_active_token_for_this_resource_reaches_the_endpoint()
    {
        _server.AddActiveToken(Token, "user_01", McpTestApp.Resource);
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["introspection"], Claims(await response.Content.ReadAsStringAsync())["token_source"]);
    }

    [Fact]
    public async Task An_inactive_token_is_401_invalid_token()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp", Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Our_own_credentials_refused_is_503_never_invalid_token()
    {
        _server.AddActiveToken(Token, "user_01", McpTestApp.Resource);
        await using var app = await McpTestApp.StartAsync(Options(secret: "not-the-secret"));

        using var response = await app.GetAsync("/mcp", Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Header("Retry-After"));
        Assert.Null(response.Header("WWW-Authenticate"));
        Assert.DoesNotContain("invalid_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
