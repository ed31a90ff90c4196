using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Handler;

/// <summary>
/// What the McpBearer events are told (CONTRACT §8): a forbid that is not about scopes names no scope to step up to, a
/// challenge with no scope anywhere carries none, and an event's rejection is logged for the operator with its reason.
/// </summary>
public sealed class HandlerEventContextTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public HandlerEventContextTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task A_forbid_with_no_missing_scope_gives_the_event_no_error_and_no_scope()
    {
        McpBearerForbiddenContext? seen = null;
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            Bearer = o => o.Events.OnForbidden = context =>
            {
                seen = context;
                return Task.CompletedTask;
            },
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/admin", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotNull(seen);
        Assert.Empty(seen.MissingScopes);
        Assert.Null(seen.Error);
        Assert.Null(seen.Scope);
    }

    [Fact]
    public async Task A_challenge_where_neither_the_endpoint_nor_the_options_name_a_scope_gives_the_event_no_scope()
    {
        string? scope = "not called";
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            Bearer = o => o.Events.OnChallenge = context =>
            {
                scope = context.Scope;
                return Task.CompletedTask;
            },
        };
        options.Settings.Remove("TokenValidation:Scopes:0");
        options.Settings.Remove("TokenValidation:Scopes:1");
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/authenticated");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(scope);
    }

    [Fact]
    public async Task A_rejection_by_OnTokenValidated_is_logged_at_information_with_its_reason()
    {
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            CaptureLogs = true,
            Bearer = o => o.Events.OnTokenValidated = context =>
            {
                context.Fail("This account is suspended.");
                return Task.CompletedTask;
            },
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var record = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 103);
        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Equal("Token rejected by the OnTokenValidated event: This account is suspended.", record.Message);
    }

    [Fact]
    public async Task An_unavailable_answer_is_logged_at_debug_with_its_reason_and_retry_after()
    {
        var options = new McpTestAppOptions(_authKit.Authority) { CaptureLogs = true };
        options.Settings["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0";
        await using var app = await McpTestApp.StartAsync(options);
        _authKit.Behavior = context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "9";
            return Task.CompletedTask;
        };

        using var response = await app.GetAsync("/mcp", AuthKitFixture.NewToken());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var record = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 102);
        Assert.Equal(LogLevel.Debug, record.Level);
        Assert.Equal($"Bearer token could not be checked ({ErrorMessage(await response.Content.ReadAsStringAsync())}); answering 503, retry after {response.Header("Retry-After")} s", record.Message);
    }

    [Fact]
    public async Task Only_a_forbid_for_missing_scopes_is_logged_with_them()
    {
        var options = new McpTestAppOptions(_authKit.Authority) { CaptureLogs = true };
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_02", "bob@example.com");

        using var admin = await app.GetAsync("/admin", McpTestApp.ApiKey.Key);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == 104);
        using var mcp = await app.GetAsync("/mcp", token);

        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mcp.StatusCode);
        var record = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 104);
        Assert.Equal("Forbidden: the token lacks required scopes mcp:tools", record.Message);
    }

    [Fact]
    public void The_token_validated_context_requires_an_identity()
    {
        var scheme = new AuthenticationScheme(McpBearerDefaults.AuthenticationScheme, null, typeof(McpBearerHandler));

        var error = Assert.Throws<ArgumentNullException>(() => new McpBearerTokenValidatedContext(new DefaultHttpContext(), scheme, new McpBearerOptions(), null!));

        Assert.Equal("identity", error.ParamName);
    }

    private static string ErrorMessage(string body)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("error").GetProperty("message").GetString()!;
    }
}
