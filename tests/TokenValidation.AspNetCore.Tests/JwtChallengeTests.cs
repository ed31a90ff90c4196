using System.Net;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;
using static TokenValidation.AspNetCore.Tests.Infrastructure.Http;

namespace TokenValidation.AspNetCore.Tests;

/// <summary>CONTRACT §11 and §13 through the McpBearer scheme: what a client sees for each JWT outcome.</summary>
public sealed class JwtChallengeTests : IClassFixture<AuthKitFixture>, IAsyncLifetime
{
    private readonly AuthKitStandIn _authKit;
    private AuthorizationServerStandIn _server = null!;

    public JwtChallengeTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    public async Task InitializeAsync() => _server = await AuthorizationServerStandIn.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private McpTestAppOptions Options(string environment = "Production")
    {
        var options = new McpTestAppOptions(_authKit.Authority) { Environment = environment, TokenValidation = b => b.AddJwt() };
        options.Settings["TokenValidation:Jwt:Issuer"] = _server.Issuer;
        if (environment != "Development")
        {
            options.Settings["TokenValidation:Jwt:AllowHttp"] = "true";
        }

        return options;
    }

    [Fact]
    public async Task A_valid_jwt_for_this_resource_reaches_the_endpoint_with_its_claims()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp", _server.CreateAccessToken("user_01", McpTestApp.Resource));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = Claims(await response.Content.ReadAsStringAsync());
        Assert.Equal(["user_01"], claims["sub"]);
        Assert.Equal(["jwt"], claims["token_source"]);
        Assert.Equal(["mcp:tools"], claims["scope"]);
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_jwt_for_another_resource_is_401_invalid_token_saying_so()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp", _server.CreateAccessToken("user_01", "https://other.example.com/mcp"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"invalid_token\", error_description=\"The token was not issued for this resource.\", scope=\"mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
        Assert.Equal(JsonRpcError("The token was not issued for this resource."), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_expired_jwt_is_401_invalid_token()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        string token = _server.CreateAccessToken("user_01", McpTestApp.Resource, notBefore: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromMinutes(-5));

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"The token has expired.\"", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_jwt_without_the_endpoint_scope_is_403_insufficient_scope()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp", _server.CreateAccessToken("user_01", McpTestApp.Resource, scope: "openid"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:tools openid\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Keys_that_cannot_be_fetched_are_503_with_retry_after_and_no_challenge()
    {
        await using var app = await McpTestApp.StartAsync(Options());
        _server.JwksBehavior = context => { context.Response.StatusCode = 500; return Task.CompletedTask; };

        using var response = await app.GetAsync("/mcp", _server.CreateAccessToken("user_01", McpTestApp.Resource));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Header("Retry-After"));
        Assert.Null(response.Header("WWW-Authenticate"));
        Assert.DoesNotContain("invalid_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_resource_configured_on_the_scheme_in_code_is_the_audience()
    {
        var options = Options();
        options.Settings.Remove("TokenValidation:Resource");
        options.Bearer = o => o.Resource = "https://code.example.com/mcp";
        await using var app = await McpTestApp.StartAsync(options);

        using var ok = await app.GetAsync("/mcp", _server.CreateAccessToken("user_01", "https://code.example.com/mcp"));
        using var other = await app.GetAsync("/mcp", _server.CreateAccessToken("user_02", McpTestApp.Resource));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task Protected_resource_metadata_names_every_trusted_issuer_exactly_as_configured()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/.well-known/oauth-protected-resource");

        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var servers = document.RootElement.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal([_authKit.Authority, _server.Issuer], servers);
    }

    [Fact]
    public async Task In_development_an_http_issuer_is_accepted_without_AllowHttp()
    {
        await using var app = await McpTestApp.StartAsync(Options("Development"));

        using var response = await app.GetAsync("/mcp", _server.CreateAccessToken("user_01", McpTestApp.Resource));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
