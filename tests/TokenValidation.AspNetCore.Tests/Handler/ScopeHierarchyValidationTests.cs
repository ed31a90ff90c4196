using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Handler;

/// <summary>Start-up checks of <c>ScopeHierarchy</c> report each bad entry once, by what is wrong with it first.</summary>
public sealed class ScopeHierarchyValidationTests : IClassFixture<AuthKitFixture>
{
    private readonly AuthKitStandIn _authKit;

    public ScopeHierarchyValidationTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task An_entry_with_a_bad_scope_is_reported_for_its_scope_only()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:ScopeHierarchy:0:Scope"] = "mcp admin";
        await using var app = McpTestApp.Build(options);

        var failure = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

        var message = Assert.Single(failure.Failures, m => m.Contains("ScopeHierarchy:0", StringComparison.Ordinal));
        Assert.StartsWith("TokenValidation:ScopeHierarchy:0:Scope must be a scope token", message, StringComparison.Ordinal);
    }
}
