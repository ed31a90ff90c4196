using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Scopes;

/// <summary>
/// Where the <c>scope</c> of a 401 or 403 comes from (CONTRACT §8): the endpoint's requirements, combined across every
/// scope requirement, else the fallback policy's, else the configured scopes when no endpoint or policy names any.
/// </summary>
public sealed class EndpointScopesChallengeTests : IClassFixture<AuthKitFixture>
{
    private const string ConfiguredScopes = "mcp:tools mcp:resources";
    private readonly AuthKitStandIn _authKit;

    public EndpointScopesChallengeTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task A_challenge_before_routing_names_the_configured_scopes()
    {
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            // A middleware ahead of routing: the request has no endpoint yet when it challenges.
            BeforeRouting = app => app.Use((context, next) =>
                context.Request.Path == "/before-routing" ? context.ChallengeAsync(McpBearerDefaults.AuthenticationScheme) : next(context)),
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/before-routing");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(NoTokenChallenge(ConfiguredScopes), response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Without_a_token_an_endpoint_under_a_scope_fallback_policy_names_the_fallback_scopes()
    {
        await using var app = await McpTestApp.StartAsync(FallbackOptions("notes:read"));

        using var response = await app.GetAsync("/anonymous");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(NoTokenChallenge("notes:read"), response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_token_without_the_fallback_policys_scope_is_403_naming_it_and_the_scopes_held()
    {
        await using var app = await McpTestApp.StartAsync(FallbackOptions("notes:read"));

        using var response = await app.GetAsync("/anonymous", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"insufficient_scope\", scope=\"notes:read mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task An_anonymous_endpoint_that_challenges_itself_names_the_configured_scopes_not_the_fallback_ones()
    {
        var options = FallbackOptions("notes:read");
        options.BeforeRouting = app => app.MapGet("/challenge-me", context => context.ChallengeAsync(McpBearerDefaults.AuthenticationScheme)).AllowAnonymous();
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/challenge-me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(NoTokenChallenge(ConfiguredScopes), response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task An_endpoint_without_any_policy_that_challenges_itself_names_the_configured_scopes()
    {
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            BeforeRouting = app => app.MapGet("/challenge-me", context => context.ChallengeAsync(McpBearerDefaults.AuthenticationScheme)),
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/challenge-me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(NoTokenChallenge(ConfiguredScopes), response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Two_scope_requirements_on_one_endpoint_are_named_together_once_each_in_order()
    {
        await using var app = await McpTestApp.StartAsync(TwoRequirementsOptions());

        using var response = await app.GetAsync("/two-requirements");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(NoTokenChallenge("mcp:tools notes:write notes:read"), response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_token_meeting_one_of_two_scope_requirements_is_403_naming_every_scope_of_both()
    {
        await using var app = await McpTestApp.StartAsync(TwoRequirementsOptions());

        using var response = await app.GetAsync("/two-requirements", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"insufficient_scope\", scope=\"mcp:tools notes:write notes:read\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
    }

    private McpTestAppOptions FallbackOptions(string scope) => new(_authKit.Authority)
    {
        Services = builder => builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireScopes(scope).Build()),
    };

    // The first requirement's scope repeats in the second one: it is named once, where it first appears.
    private McpTestAppOptions TwoRequirementsOptions() => new(_authKit.Authority)
    {
        BeforeRouting = app => app.MapGet("/two-requirements", context => context.Response.WriteAsync("ok"))
            .RequireScopes("mcp:tools", "notes:write")
            .RequireScopes("notes:write", "notes:read"),
    };

    private static string NoTokenChallenge(string scope) =>
        $"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\", scope=\"{scope}\"";
}
