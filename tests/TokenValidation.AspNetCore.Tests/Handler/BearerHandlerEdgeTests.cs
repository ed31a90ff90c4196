using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;
using static TokenValidation.AspNetCore.Tests.Infrastructure.Http;

namespace TokenValidation.AspNetCore.Tests.Handler;

/// <summary>
/// The McpBearer handler's less travelled answers (CONTRACT §7, §8): the per-client limit on new tokens, events that
/// decide, forbids that name no scopes, and start-up checks of the scheme's own keys.
/// </summary>
public sealed class BearerHandlerEdgeTests : IClassFixture<AuthKitFixture>
{
    private const string HttpsAuthority = "https://example.authkit.app";
    private readonly AuthKitStandIn _authKit;

    public BearerHandlerEdgeTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    private McpTestAppOptions Options() => new(_authKit.Authority);

    [Fact]
    public async Task New_tokens_over_the_clients_limit_are_429_with_retry_after_and_no_challenge()
    {
        var options = Options();
        options.Settings["TokenValidation:ClientMissesPerSecond"] = "1";
        options.Settings["TokenValidation:ClientMissBurst"] = "1";
        options.BeforeRouting = app => app.Use((context, next) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
            return next(context);
        });
        await using var app = await McpTestApp.StartAsync(options);

        using var first = await app.GetAsync("/mcp", AuthKitFixture.NewToken());
        using var second = await app.GetAsync("/mcp", AuthKitFixture.NewToken());

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.True(int.TryParse(second.Header("Retry-After"), out int seconds) && seconds >= 1, second.Header("Retry-After"));
        Assert.Null(second.Header("WWW-Authenticate"));
        Assert.Equal("*", second.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate, Retry-After", second.Header("Access-Control-Expose-Headers"));
        Assert.Equal("application/json", second.Header("Content-Type"));
        var body = await second.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,\"message\":\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid_token", body, StringComparison.Ordinal);
        Assert.Equal(1, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task OnTokenValidated_can_decide_success_with_its_own_principal()
    {
        var options = Options();
        options.Bearer = o => o.Events.OnTokenValidated = context =>
        {
            context.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", "mcp:tools"), new Claim("tenant", "chosen")], context.Scheme.Name));
            context.Success();
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = Claims(await response.Content.ReadAsStringAsync());
        Assert.Equal(["chosen"], claims["tenant"]);
        Assert.False(claims.ContainsKey("sub"));
    }

    [Fact]
    public async Task A_forbid_naming_no_scopes_falls_back_to_the_endpoints_scopes()
    {
        var options = Options();
        options.BeforeRouting = app => app.MapGet("/forbid-empty", context =>
        {
            var properties = new AuthenticationProperties();
            properties.SetParameter(McpBearerDefaults.RequiredScopesParameter, Array.Empty<string>());
            return context.ForbidAsync(McpBearerDefaults.AuthenticationScheme, properties);
        }).RequireScopes("notes:read");
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_empty", extra: new { scope = "notes:read" });

        using var response = await app.GetAsync("/forbid-empty", token);

        // The token has the endpoint's scope, so nothing is missing: a plain 403.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Header("WWW-Authenticate"));
        Assert.Equal(JsonRpcError("The caller is not allowed to use this endpoint."), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OnForbidden_can_write_its_own_answer()
    {
        var options = Options();
        options.Bearer = o => o.Events.OnForbidden = async context =>
        {
            context.HandleResponse();
            context.Response.StatusCode = 451;
            await context.Response.WriteAsync("unavailable for legal reasons");
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/admin", McpTestApp.ApiKey.Key);

        Assert.Equal((HttpStatusCode)451, response.StatusCode);
        Assert.Null(response.Header("WWW-Authenticate"));
        Assert.Equal("unavailable for legal reasons", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("https://user@mcp.example.com/mcp", "TokenValidation:Resource must not contain user information")]
    [InlineData("https://mcp.example.com/mcp", null)]
    public async Task The_resource_may_not_carry_user_information(string resource, string? expected)
    {
        var options = new McpTestAppOptions(HttpsAuthority);
        options.Settings["TokenValidation:Resource"] = resource;

        await AssertStartupAsync(options, expected);
    }

    [Theory]
    [InlineData("00:00:00", "TokenValidation:AuthorizationServerMetadataCacheLifetime must be positive")]
    [InlineData("-00:00:01", "TokenValidation:AuthorizationServerMetadataCacheLifetime must be positive")]
    [InlineData("00:00:01", null)]
    public async Task The_metadata_copy_lifetime_must_be_positive(string lifetime, string? expected)
    {
        var options = new McpTestAppOptions(HttpsAuthority);
        options.Settings["TokenValidation:AuthorizationServerMetadataCacheLifetime"] = lifetime;

        await AssertStartupAsync(options, expected);
    }

    [Theory]
    [InlineData("*", null)]
    [InlineData("", null)]
    [InlineData("https://app.example.com", null)]
    [InlineData("http://localhost:3000", null)]
    [InlineData("app.example.com", "TokenValidation:AllowedOrigin must be an absolute URL")]
    [InlineData("https://app.example.com/", "TokenValidation:AllowedOrigin must be '*' or an origin without a path")]
    public async Task The_allowed_origin_is_a_star_nothing_or_an_origin(string origin, string? expected)
    {
        var options = new McpTestAppOptions(HttpsAuthority);
        options.Settings["TokenValidation:AllowedOrigin"] = origin;

        await AssertStartupAsync(options, expected);
    }

    [Fact]
    public async Task A_bad_scope_is_named_with_its_index_and_value()
    {
        var options = new McpTestAppOptions(HttpsAuthority);
        options.Settings["TokenValidation:Scopes:1"] = "mcp\"resources";

        await AssertStartupAsync(options, "TokenValidation:Scopes:1 must be a scope token without spaces, quotes or backslashes (got 'mcp\"resources').");
    }

    [Fact]
    public async Task Each_scheme_checks_only_its_own_options()
    {
        var options = new McpTestAppOptions(HttpsAuthority)
        {
            Services = builder => builder.Services.AddAuthentication()
                .AddMcpBearer("Second", null, o =>
                {
                    o.Resource = "https://second.example.com/mcp";
                    o.Scopes = ["second\"scope"];
                }),
        };
        await using var app = McpTestApp.Build(options);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        var messages = Messages(failure);
        Assert.Contains(messages, m => m.Contains("TokenValidation:Scopes:0 must be a scope token", StringComparison.Ordinal) && m.Contains("second\"scope", StringComparison.Ordinal));
        Assert.Single(messages, m => m.Contains("must be a scope token", StringComparison.Ordinal));
    }

    private static async Task AssertStartupAsync(McpTestAppOptions options, string? expected)
    {
        await using var app = McpTestApp.Build(options);
        if (expected is null)
        {
            await app.StartAsync();
            await app.StopAsync();
            return;
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        Assert.Contains(Messages(failure), m => m.Contains(expected, StringComparison.Ordinal));
    }

    private static List<string> Messages(Exception failure) => failure is AggregateException aggregate
        ? [.. aggregate.InnerExceptions.SelectMany(Messages)]
        : failure is OptionsValidationException validation ? [.. validation.Failures] : [failure.Message];
}
