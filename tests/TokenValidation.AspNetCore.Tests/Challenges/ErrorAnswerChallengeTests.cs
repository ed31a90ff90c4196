using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Challenges;

/// <summary>
/// The edges of the error answers (CONTRACT §8): what may go inside a quoted challenge attribute (RFC 6750 §3), HEAD,
/// Content-Length, and Retry-After in whole seconds (RFC 9110 §10.2.3).
/// </summary>
public sealed class ErrorAnswerChallengeTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public ErrorAnswerChallengeTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    private McpTestAppOptions Options() => new(_authKit.Authority);

    [Fact]
    public async Task Characters_a_quoted_challenge_value_cannot_hold_become_apostrophes()
    {
        var options = Options();

        // Space and '~' are the ends of the allowed range; a quote, a backslash, DEL, a tab and a non-ASCII letter are not in it.
        options.Bearer = o => o.Events.OnTokenValidated = context =>
        {
            context.Fail("Say \"no\" \\ ~ caf\u00e9\u007f\tend");
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"invalid_token\", error_description=\"Say 'no' ' ~ caf'''end\", scope=\"mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Without_any_scope_the_challenge_has_no_scope_attribute()
    {
        var options = Options();
        options.Settings.Remove("TokenValidation:Scopes:0");
        options.Settings.Remove("TokenValidation:Scopes:1");
        await using var app = await McpTestApp.StartAsync(options);

        using var noToken = await app.GetAsync("/authenticated");
        using var badToken = await app.GetAsync("/authenticated", AuthKitFixture.NewToken());

        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", noToken.Header("WWW-Authenticate"));
        Assert.Equal(
            $"Bearer error=\"invalid_token\", error_description=\"The access token is invalid, expired or revoked.\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            badToken.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task An_empty_description_is_left_out_of_the_challenge()
    {
        var options = Options();
        options.Bearer = o => o.Events.OnChallenge = context =>
        {
            context.ErrorDescription = "";
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", AuthKitFixture.NewToken());

        Assert.Equal(
            $"Bearer error=\"invalid_token\", scope=\"mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_401_states_the_length_of_its_body()
    {
        await using var app = await McpTestApp.StartAsync(Options());

        using var response = await app.GetAsync("/mcp");

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("Content-Length"));
    }

    [Fact]
    public async Task A_head_request_without_a_token_gets_the_401_headers_and_no_body()
    {
        var options = Options();
        options.BeforeRouting = app => app.MapMethods("/readable", [HttpMethods.Get, HttpMethods.Head], () => "ok").RequireAuthorization();
        await using var app = await McpTestApp.StartAsync(options);
        using var get = await app.GetAsync("/readable");
        var getBody = await get.Content.ReadAsByteArrayAsync();

        using var head = await app.Client.SendAsync(McpTestApp.Request(HttpMethod.Head, "/readable"));

        Assert.Equal(HttpStatusCode.Unauthorized, head.StatusCode);
        Assert.Equal(get.Header("WWW-Authenticate"), head.Header("WWW-Authenticate"));
        Assert.Equal("application/json", head.Header("Content-Type"));
        Assert.Equal(getBody.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Header("Content-Length"));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(200, "1")]
    [InlineData(1000, "1")]
    [InlineData(1200, "2")]
    [InlineData(0, "1")]
    public async Task Retry_after_is_whole_seconds_rounded_up_and_at_least_one(int milliseconds, string expected)
    {
        var options = Options();
        options.Bearer = o => o.Events.OnChallenge = context =>
        {
            context.RetryAfter = TimeSpan.FromMilliseconds(milliseconds);
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);
        _authKit.RespondWith(500);

        using var response = await app.GetAsync("/mcp", AuthKitFixture.NewToken());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(expected, response.Header("Retry-After"));
    }
}
