using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using TokenValidation.AspNetCore.Authorization;

namespace TokenValidation.AspNetCore.Tests.Scopes;

/// <summary>
/// <see cref="ScopeRequirement"/> on its own (CONTRACT §8 scope policies): which scopes it accepts (RFC 6749 §3.3), and
/// which principals carry them.
/// </summary>
public sealed class ScopeRequirementTests
{
    [Theory]
    [InlineData("!")]
    [InlineData("~")]
    [InlineData("mcp:tools")]
    [InlineData("a#[]^{}|")]
    public void Every_printable_ascii_character_but_quote_and_backslash_makes_a_scope(string scope) =>
        Assert.Equal([scope], new ScopeRequirement(scope).Scopes);

    [Theory]
    [InlineData("")]
    [InlineData("mcp tools")]
    [InlineData("mcp\"tools")]
    [InlineData("mcp\\tools")]
    [InlineData("mcp\u007ftools")]
    [InlineData("mcp\u0000tools")]
    [InlineData("caf\u00e9")]
    public void A_scope_outside_rfc_6749_is_refused(string scope)
    {
        var error = Assert.Throws<ArgumentException>(() => new ScopeRequirement("mcp:tools", scope));
        Assert.Equal("scopes", error.ParamName);
    }

    [Fact]
    public void At_least_one_scope_is_required() =>
        Assert.Equal("scopes", Assert.Throws<ArgumentException>(() => new ScopeRequirement()).ParamName);

    [Fact]
    public void Repeated_scopes_are_required_once_and_named_in_order()
    {
        var requirement = new ScopeRequirement("b", "a", "b");

        Assert.Equal(["b", "a"], requirement.Scopes);
        Assert.Equal("ScopeRequirement: requires scopes b a", requirement.ToString());
    }

    [Theory]
    [InlineData("mcp:tools", true)]
    [InlineData("mcp:read mcp:tools", true)]
    [InlineData("mcp:tools mcp:read", true)]
    [InlineData("mcp:read  mcp:tools ", true)]
    [InlineData("mcp:tool", false)]
    [InlineData("mcp:toolsx", false)]
    [InlineData("xmcp:tools", false)]
    [InlineData("mcp:read mcp:toolsx", false)]
    [InlineData("", false)]
    public void A_scope_claim_holds_a_scope_as_one_of_its_space_separated_items(string claim, bool satisfied)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", claim)], "Bearer"));

        Assert.Equal(satisfied, new ScopeRequirement("mcp:tools").IsSatisfiedBy(user));
    }

    [Fact]
    public void Every_scope_is_needed_and_may_come_from_different_claims_or_identities()
    {
        var requirement = new ScopeRequirement("a", "b");
        var one = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", "a")], "Bearer"));
        var both = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", "a"), new Claim("scope", "b")], "Bearer"));
        var split = new ClaimsPrincipal([new ClaimsIdentity([new Claim("scope", "a")], "Bearer"), new ClaimsIdentity([new Claim("scope", "b")], "Other")]);

        Assert.False(requirement.IsSatisfiedBy(one));
        Assert.True(requirement.IsSatisfiedBy(both));
        Assert.True(requirement.IsSatisfiedBy(split));
    }

    [Fact]
    public void Scopes_of_an_unauthenticated_identity_or_of_another_claim_type_do_not_count()
    {
        var requirement = new ScopeRequirement("mcp:tools");
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", "mcp:tools")]));
        var otherType = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scp", "mcp:tools")], "Bearer"));

        Assert.False(requirement.IsSatisfiedBy(anonymous));
        Assert.False(requirement.IsSatisfiedBy(otherType));
        Assert.Throws<ArgumentNullException>(() => requirement.IsSatisfiedBy(null!));
    }

    [Fact]
    public async Task As_its_own_handler_it_succeeds_only_for_a_principal_with_every_scope()
    {
        var requirement = new ScopeRequirement("a", "b");
        var with = new AuthorizationHandlerContext([requirement], new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", "a b")], "Bearer")), null);
        var without = new AuthorizationHandlerContext([requirement], new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", "a")], "Bearer")), null);

        await requirement.HandleAsync(with);
        await requirement.HandleAsync(without);

        Assert.True(with.HasSucceeded);
        Assert.False(without.HasSucceeded);
    }

    [Fact]
    public void The_closure_of_a_hierarchy_is_transitive_and_skips_blank_entries()
    {
        var implied = ImpliedScopes.Build(
        [
            new ScopeHierarchyEntry { Scope = "admin", Implies = ["write", ""] },
            new ScopeHierarchyEntry { Scope = "write", Implies = ["read", "tools"] },
            new ScopeHierarchyEntry { Scope = "", Implies = ["everything"] },
            null!,
        ]);

        Assert.False(implied.IsEmpty);
        Assert.Empty(implied.Cyclic);
        Assert.True(implied.Covers(["admin"], "tools"));
        Assert.True(implied.Covers(["write"], "read"));
        Assert.True(implied.Covers(["read"], "read"));
        Assert.False(implied.Covers(["read"], "write"));
        Assert.False(implied.Covers([], "read"));
        Assert.False(implied.Covers(["other"], "everything"));
        var expanded = new HashSet<string>(StringComparer.Ordinal);
        implied.Expand(["admin", "other"], expanded);
        Assert.Equal(["admin", "other", "read", "tools", "write"], expanded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_hierarchy_of_blank_entries_only_is_empty()
    {
        Assert.True(ImpliedScopes.Build(null).IsEmpty);
        Assert.True(ImpliedScopes.Build([new ScopeHierarchyEntry { Scope = " ".Trim(), Implies = ["a"] }]).IsEmpty);
    }

    [Fact]
    public void Every_scope_of_a_cycle_is_named_and_the_rest_are_not()
    {
        var implied = ImpliedScopes.Build(
        [
            new ScopeHierarchyEntry { Scope = "a", Implies = ["b"] },
            new ScopeHierarchyEntry { Scope = "b", Implies = ["c"] },
            new ScopeHierarchyEntry { Scope = "c", Implies = ["a", "d"] },
            new ScopeHierarchyEntry { Scope = "top", Implies = ["a"] },
        ]);

        Assert.Equal(["a", "b", "c"], implied.Cyclic.Order(StringComparer.Ordinal));
        Assert.True(implied.Covers(["top"], "d"));
        Assert.True(implied.Covers(["a"], "d"));
    }
}
