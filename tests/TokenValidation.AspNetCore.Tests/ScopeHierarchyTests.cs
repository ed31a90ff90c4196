using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests;

/// <summary>
/// <c>TokenValidation:ScopeHierarchy</c> (CONTRACT §8, MCP 2026-07-28: servers account for scope hierarchies): a broader
/// scope implies narrower ones in every scope check, and a bad hierarchy stops start-up naming the key.
/// </summary>
public sealed class ScopeHierarchyTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public ScopeHierarchyTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task A_broader_scope_satisfies_an_endpoint_requiring_a_narrower_one()
    {
        await using var app = await McpTestApp.StartAsync(WithHierarchy(("mcp:admin", ["mcp:tools"])));

        using var response = await app.GetAsync("/mcp", Token("mcp:admin"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_the_hierarchy_the_broader_scope_is_just_another_scope()
    {
        await using var app = await McpTestApp.StartAsync(new McpTestAppOptions(_authKit.Authority));

        using var response = await app.GetAsync("/mcp", Token("mcp:admin"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:tools mcp:admin\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Implication_is_transitive_and_reaches_named_policies()
    {
        await using var app = await McpTestApp.StartAsync(WithHierarchy(("mcp:admin", ["mcp:write"]), ("mcp:write", ["mcp:tools", "mcp:resources"])));
        string token = Token("mcp:admin");

        using var mcp = await app.GetAsync("/mcp", token);
        using var resources = await app.GetAsync("/resources", token);

        Assert.Equal(HttpStatusCode.OK, mcp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resources.StatusCode);
    }

    [Fact]
    public async Task A_narrower_scope_does_not_imply_the_broader_one()
    {
        var options = WithHierarchy(("mcp:admin", ["mcp:tools"]));
        options.Settings["TokenValidation:Scopes:1"] = "mcp:admin";
        options.Services = builder => builder.Services.AddAuthorizationBuilder().AddPolicy("admin-scope", p => p.RequireScopes("mcp:admin"));
        options.BeforeRouting = app => app.MapGet("/admin-scope", () => "ok").RequireAuthorization("admin-scope");
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/admin-scope", Token("mcp:tools"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:admin mcp:tools\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_forbid_naming_a_scope_the_hierarchy_grants_is_not_insufficient_scope()
    {
        await using var app = await McpTestApp.StartAsync(WithHierarchy(("notes:admin", ["notes:write"])));

        // The endpoint forbids naming notes:write; the token's notes:admin covers it, so stepping up would not help.
        using var response = await app.GetAsync("/forbid-with-scopes", Token("notes:admin"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Configured_in_code_it_works_the_same()
    {
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            Bearer = o => o.ScopeHierarchy.Add(new() { Scope = "mcp:admin", Implies = ["mcp:tools"] }),
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", Token("mcp:admin"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("mcp admin", "mcp:tools", "TokenValidation:ScopeHierarchy:0:Scope must be a scope token")]
    [InlineData("mcp:admin", "mcp\"tools", "TokenValidation:ScopeHierarchy:0:Implies:0 must be a scope token")]
    [InlineData("mcp:admin", null, "TokenValidation:ScopeHierarchy:0:Implies must name at least one scope that mcp:admin implies")]
    [InlineData("mcp:admin", "mcp:admin", "TokenValidation:ScopeHierarchy makes mcp:admin imply itself")]
    public async Task A_bad_hierarchy_stops_start_up_naming_the_key(string scope, string? implied, string expected)
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:ScopeHierarchy:0:Scope"] = scope;
        if (implied is not null)
        {
            options.Settings["TokenValidation:ScopeHierarchy:0:Implies:0"] = implied;
        }

        await using var app = McpTestApp.Build(options);
        var failure = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(failure.Failures, m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cycle_through_several_entries_stops_start_up()
    {
        var options = WithHierarchy(("a:1", ["a:2"]), ("a:2", ["a:3"]), ("a:3", ["a:1"]));

        await using var app = McpTestApp.Build(options);
        var failure = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(failure.Failures, m => m.Contains("TokenValidation:ScopeHierarchy makes a:1 imply itself", StringComparison.Ordinal));
    }

    private McpTestAppOptions WithHierarchy(params (string Scope, string[] Implies)[] entries)
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        for (int i = 0; i < entries.Length; i++)
        {
            options.Settings[$"TokenValidation:ScopeHierarchy:{i}:Scope"] = entries[i].Scope;
            for (int j = 0; j < entries[i].Implies.Length; j++)
            {
                options.Settings[$"TokenValidation:ScopeHierarchy:{i}:Implies:{j}"] = entries[i].Implies[j];
            }
        }

        return options;
    }

    private string Token(string scope)
    {
        string token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_hierarchy", extra: new { scope });
        return token;
    }
}
