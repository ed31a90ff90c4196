using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Authorization;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Scopes;

/// <summary>
/// CONTRACT §8 scope checks by identity: only an authenticated identity's scopes are granted, a scope hierarchy applies
/// only to identities the MCP bearer scheme built (its options say what implies what), and scope requirements refuse bad
/// input saying why.
/// </summary>
public sealed class ScopeIdentityTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public ScopeIdentityTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task Scopes_of_an_unauthenticated_identity_are_not_granted_and_not_named_in_the_403()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Bearer = o => o.Events.OnTokenValidated = context =>
        {
            context.Principal = new ClaimsPrincipal(
            [
                new ClaimsIdentity([new Claim("scope", "mcp:tools")], context.Scheme.Name),
                new ClaimsIdentity([new Claim("scope", "mcp:resources")]),
            ]);
            context.Success();
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/resources", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            $"Bearer error=\"insufficient_scope\", scope=\"mcp:resources mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"",
            response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task An_identity_of_a_scheme_that_is_not_registered_gets_no_scope_hierarchy_and_no_error()
    {
        var options = WithAdminImpliesTools();
        options.Bearer = o => o.Events.OnTokenValidated = context =>
        {
            context.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", "mcp:admin")], "NotAScheme"));
            context.Success();
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_identity_of_another_registered_scheme_gets_no_scope_hierarchy_even_if_its_name_has_options()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Services = builder =>
        {
            builder.Services.AddAuthentication().AddCookie();

            // Options under the cookie scheme's name too: still not an identity this library built.
            builder.Services.ConfigureAll<McpBearerOptions>(o => o.ScopeHierarchy.Add(new ScopeHierarchyEntry { Scope = "mcp:admin", Implies = ["mcp:tools"] }));
        };
        options.Bearer = o => o.Events.OnTokenValidated = context =>
        {
            context.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", "mcp:admin")], CookieAuthenticationDefaults.AuthenticationScheme));
            context.Success();
            return Task.CompletedTask;
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_hierarchy_entry_whose_implies_is_null_stops_start_up_naming_it()
    {
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            Bearer = o => o.ScopeHierarchy.Add(new ScopeHierarchyEntry { Scope = "mcp:admin", Implies = null! }),
        };
        await using var app = McpTestApp.Build(options);

        var failure = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(failure.Failures, m => m.Contains("ScopeHierarchy:0:Implies must name at least one scope that mcp:admin implies", StringComparison.Ordinal));
    }

    [Fact]
    public void A_requirement_without_scopes_says_one_is_required() =>
        Assert.StartsWith("At least one scope is required.", Assert.Throws<ArgumentException>(() => new ScopeRequirement()).Message, StringComparison.Ordinal);

    [Fact]
    public void A_refused_scope_is_quoted_with_the_rule_it_breaks() =>
        Assert.StartsWith(
            "'mcp tools' is not a valid scope (RFC 6749 §3.3: no spaces, quotes or backslashes).",
            Assert.Throws<ArgumentException>(() => new ScopeRequirement("mcp tools")).Message,
            StringComparison.Ordinal);

    [Fact]
    public void RequireScopes_on_a_null_policy_builder_names_the_builder() =>
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((AuthorizationPolicyBuilder)null!).RequireScopes("mcp:tools")).ParamName);

    [Fact]
    public void RequireScopes_on_a_null_endpoint_builder_names_the_builder() =>
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IEndpointConventionBuilder)null!).RequireScopes("mcp:tools")).ParamName);

    private McpTestAppOptions WithAdminImpliesTools()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:ScopeHierarchy:0:Scope"] = "mcp:admin";
        options.Settings["TokenValidation:ScopeHierarchy:0:Implies:0"] = "mcp:tools";
        return options;
    }
}
