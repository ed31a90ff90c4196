using System.Security.Claims;
using TokenValidation.AspNetCore;

namespace TokenValidation.AspNetCore.Tests.Principal;

/// <summary>The request's principal from a validated identity (CONTRACT §8).</summary>
public sealed class McpPrincipalFactoryTests
{
    private static readonly TokenIdentity Identity = new()
    {
        Subject = "user_1",
        Email = "a@example.com",
        Name = "A",
        Scopes = ["mcp:tools", "notes:read"],
        Claims = [new("org_id", "org_1"), new("sub", "user_evil"), new("scope", "admin"), new(McpBearerDefaults.ApiKeyNameClaimType, "ci"), new("roles", "r1"), new("roles", "r2")],
        Source = TokenSources.Jwt,
    };

    [Fact]
    public void Checked_values_first_then_the_issuers_other_claims_without_reserved_or_spoofed_ones()
    {
        var principal = McpPrincipalFactory.Create(Identity, "McpBearer");

        Assert.Equal(
            [
                (ClaimTypes.NameIdentifier, "user_1"), (McpBearerDefaults.SubjectClaimType, "user_1"), (McpBearerDefaults.EmailClaimType, "a@example.com"),
                (McpBearerDefaults.NameClaimType, "A"), (McpBearerDefaults.ScopeClaimType, "mcp:tools"), (McpBearerDefaults.ScopeClaimType, "notes:read"),
                (McpBearerDefaults.SourceClaimType, TokenSources.Jwt), ("org_id", "org_1"), ("roles", "r1"), ("roles", "r2"),
            ],
            principal.Claims.Select(c => (c.Type, c.Value)));
        Assert.Equal("A", principal.Identity!.Name);
        Assert.Equal("McpBearer", principal.Identity.AuthenticationType);
        Assert.True(principal.Identity.IsAuthenticated);
    }

    [Fact]
    public void Every_claim_belongs_to_the_principals_identity_with_the_default_issuer()
    {
        var principal = McpPrincipalFactory.Create(Identity, "McpBearer");
        var identity = Assert.Single(principal.Identities);

        Assert.All(identity.Claims, c =>
        {
            Assert.Same(identity, c.Subject);
            Assert.Equal(ClaimsIdentity.DefaultIssuer, c.Issuer);
            Assert.Equal(ClaimValueTypes.String, c.ValueType);
        });
    }

    [Fact]
    public void Each_request_gets_its_own_principal_so_one_requests_changes_never_reach_another()
    {
        var first = McpPrincipalFactory.Create(Identity, "McpBearer");
        ((ClaimsIdentity)first.Identity!).AddClaim(new Claim("role", "admin"));

        var second = McpPrincipalFactory.Create(Identity, "McpBearer");

        Assert.DoesNotContain(second.Claims, c => c.Type == "role");
    }
}
