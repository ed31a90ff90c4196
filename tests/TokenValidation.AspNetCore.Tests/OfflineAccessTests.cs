using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests;

/// <summary>
/// <c>offline_access</c> asks the authorization server for a refresh token; it is never advertised by this resource
/// (CONTRACT §8): not in <c>scopes_supported</c>, not in any challenge's <c>scope</c>, and configuring it is warned about.
/// </summary>
public sealed class OfflineAccessTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public OfflineAccessTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task Configured_offline_access_is_left_out_of_scopes_supported()
    {
        await using var app = await McpTestApp.StartAsync(WithOfflineAccess());

        using var response = await app.GetAsync("/.well-known/oauth-protected-resource");

        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(["mcp:tools", "mcp:resources"], document["scopes_supported"]!.AsArray().Select(s => (string)s!));
    }

    [Fact]
    public async Task Configured_offline_access_is_left_out_of_the_401_scope()
    {
        await using var app = await McpTestApp.StartAsync(WithOfflineAccess());

        using var response = await app.GetAsync("/authenticated");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\", scope=\"mcp:tools mcp:resources\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_token_granted_offline_access_does_not_see_it_echoed_in_the_403()
    {
        await using var app = await McpTestApp.StartAsync(new McpTestAppOptions(_authKit.Authority));
        string token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_offline", extra: new { scope = "openid offline_access notes:read" });

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:tools openid notes:read\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Only_offline_access_configured_means_no_scope_attribute_and_no_scopes_supported()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:Scopes:0"] = "offline_access";
        options.Settings.Remove("TokenValidation:Scopes:1");
        await using var app = await McpTestApp.StartAsync(options);

        using var challenge = await app.GetAsync("/authenticated");
        using var metadata = await app.GetAsync("/.well-known/oauth-protected-resource");

        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", challenge.Header("WWW-Authenticate"));
        Assert.Null(JsonNode.Parse(await metadata.Content.ReadAsStringAsync())!["scopes_supported"]);
    }

    [Fact]
    public async Task Configuring_offline_access_logs_a_start_up_warning_naming_the_key()
    {
        var logs = new CapturingLoggerProvider();
        var options = WithOfflineAccess();
        options.Logs = logs;

        await using var app = await McpTestApp.StartAsync(options);

        var warning = Assert.Single(logs.AtLeast(LogLevel.Warning), l => l.Message.Contains("offline_access", StringComparison.Ordinal));
        Assert.Contains("TokenValidation:Scopes:2", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_offline_access_configured_there_is_no_warning()
    {
        var logs = new CapturingLoggerProvider();
        var options = new McpTestAppOptions(_authKit.Authority) { Logs = logs };

        await using var app = await McpTestApp.StartAsync(options);

        Assert.DoesNotContain(logs.AtLeast(LogLevel.Warning), l => l.Message.Contains("offline_access", StringComparison.Ordinal));
    }

    private McpTestAppOptions WithOfflineAccess()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:Scopes:2"] = "offline_access";
        return options;
    }
}
