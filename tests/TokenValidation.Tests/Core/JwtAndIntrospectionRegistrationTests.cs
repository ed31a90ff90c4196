using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TokenValidation.Jwt;
using TokenValidation.Testing;
using TokenValidation.Tests.Introspection;

namespace TokenValidation.Tests.Core;

/// <summary>
/// What <c>AddJwt</c> and <c>AddIntrospection</c> register: options bound once whatever the number of calls, a
/// configure-only registration, and HTTP clients that never follow a redirect (CONTRACT §5: keys and tokens go to the
/// issuer's own URLs only).
/// </summary>
public sealed class JwtAndIntrospectionRegistrationTests
{
    private const string Resource = "https://mcp.example.com/mcp";

    [Fact]
    public async Task Calling_AddJwt_twice_binds_the_section_once_and_applies_the_second_configure()
    {
        await using var server = await AuthorizationServerStandIn.StartAsync();
        await using var host = await CoreHost.StartAsync(
            JwtSettings(server, new() { ["TokenValidation:Jwt:Audiences:0"] = "client-abc" }),
            configure: b => b.AddJwt().AddJwt(o => o.DefaultScopes.Add("mcp:read")),
            time: TimeProvider.System);

        var result = await host.Validation.ValidateAsync(server.CreateAccessToken("user_01", Resource, scope: null));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(["mcp:read"], result.Identity!.Scopes);
        Assert.Equal(["client-abc"], host.Services.GetRequiredService<IOptions<JwtOptions>>().Value.Audiences);
        Assert.Equal(1, server.JwksCalls);
    }

    [Fact]
    public async Task AddJwt_with_only_a_configure_delegate_validates_that_issuers_tokens()
    {
        await using var server = await AuthorizationServerStandIn.StartAsync();
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:Resource"] = Resource },
            configure: b => b.AddJwt(o =>
            {
                o.Issuer = server.Issuer;
                o.AllowHttp = true;
            }),
            time: TimeProvider.System);

        var result = await host.Validation.ValidateAsync(server.CreateAccessToken("user_01", Resource));

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal("user_01", result.Identity!.Subject);
    }

    [Fact]
    public async Task The_key_client_does_not_follow_a_redirect_from_the_issuers_JWKS_URL()
    {
        await using var elsewhere = await AuthorizationServerStandIn.StartAsync();
        await using var server = await AuthorizationServerStandIn.StartAsync();
        server.JwksBehavior = context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = elsewhere.JwksUri;
            return Task.CompletedTask;
        };
        await using var host = await CoreHost.StartAsync(JwtSettings(server), configure: b => b.AddJwt(), time: TimeProvider.System);

        var result = await host.Validation.ValidateAsync(server.CreateAccessToken("user_01", Resource));

        Assert.NotEqual(TokenValidationOutcome.Valid, result.Outcome);
        Assert.True(server.JwksCalls >= 1);
        Assert.Equal(0, elsewhere.JwksCalls);
    }

    [Fact]
    public async Task The_introspection_client_does_not_follow_a_redirect_so_the_token_and_secret_go_nowhere_else()
    {
        await using var elsewhere = await AuthorizationServerStandIn.StartAsync();
        await using var host = await IntrospectionHost.StartAsync();
        string token = "opaque_redirect_0123456789abcdef";
        elsewhere.AddActiveToken(token, "user_01", Resource, issuer: host.Server.Issuer);
        host.Server.IntrospectionBehavior = context =>
        {
            // 307 keeps the method and body: a client that followed it would post the token and our secret on.
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = elsewhere.IntrospectionEndpoint;
            return Task.CompletedTask;
        };

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(1, host.Server.IntrospectionCalls);
        Assert.Equal(0, elsewhere.IntrospectionCalls);
    }

    private static Dictionary<string, string?> JwtSettings(AuthorizationServerStandIn server, Dictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["TokenValidation:Resource"] = Resource,
            ["TokenValidation:Jwt:Issuer"] = server.Issuer,
            ["TokenValidation:Jwt:AllowHttp"] = "true",
        };
        foreach (var (key, value) in extra ?? [])
        {
            values[key] = value;
        }

        return values;
    }
}
