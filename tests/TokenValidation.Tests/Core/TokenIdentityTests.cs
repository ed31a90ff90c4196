namespace TokenValidation.Tests.Core;

/// <summary>The public identity and result types: scope and claim lookups are ordinal, copies keep every field.</summary>
public sealed class TokenIdentityTests
{
    private static readonly TokenIdentity Identity = new()
    {
        Subject = "user_01",
        Email = "ada@example.com",
        Name = "Ada",
        Scopes = ["read", "write"],
        Claims = [new TokenClaim("org_id", "org_1"), new TokenClaim("org_id", "org_2")],
        Source = TokenSources.AuthKit,
        ExpiresAt = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    [Theory]
    [InlineData("read", true)]
    [InlineData("write", true)]
    [InlineData("READ", false)]
    [InlineData("rea", false)]
    [InlineData("admin", false)]
    public void HasScope_matches_a_scope_exactly_and_case_sensitively(string scope, bool expected)
    {
        Assert.Equal(expected, Identity.HasScope(scope));
    }

    [Fact]
    public void An_identity_without_scopes_has_none()
    {
        Assert.False(new TokenIdentity { Subject = "s", Source = "x" }.HasScope("read"));
    }

    [Fact]
    public void FindClaim_returns_the_first_value_of_the_type_or_null()
    {
        Assert.Equal("org_1", Identity.FindClaim("org_id"));
        Assert.Null(Identity.FindClaim("ORG_ID"));
        Assert.Null(Identity.FindClaim("missing"));
    }

    [Fact]
    public void WithClaims_appends_the_claims_and_keeps_every_other_field()
    {
        var copy = Identity.WithClaims(new TokenClaim("local_user_id", "42"));

        Assert.Equal(["org_id", "org_id", "local_user_id"], copy.Claims.Select(c => c.Type));
        Assert.Equal(("user_01", "ada@example.com", "Ada", TokenSources.AuthKit, Identity.ExpiresAt), (copy.Subject, copy.Email, copy.Name, copy.Source, copy.ExpiresAt));
        Assert.Equal(["read", "write"], copy.Scopes);
        Assert.Equal(2, Identity.Claims.Count);
    }

    [Fact]
    public void A_valid_result_requires_an_identity()
    {
        Assert.Throws<ArgumentNullException>(() => TokenCheckResult.Valid(null!));
    }
}
