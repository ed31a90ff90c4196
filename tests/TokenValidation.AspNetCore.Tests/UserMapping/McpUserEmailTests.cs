using TokenValidation.AspNetCore.UserMapping;

namespace TokenValidation.AspNetCore.Tests.UserMapping;

/// <summary>Which email may link an identity to an existing user, and the form it is compared in.</summary>
public sealed class McpUserEmailTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    [InlineData("\u00A0\u2003")]
    public void A_blank_email_is_no_email(string? email) => Assert.Null(McpUserEmail.Normalize(email));

    [Theory]
    [InlineData("Alice@Example.COM", "alice@example.com")]
    [InlineData("  bob@example.com \t", "bob@example.com")]
    [InlineData("\u212Aelvin@example.com", "\u212Aelvin@example.com")]
    [InlineData("\u0130nci@example.com", "\u0130nci@example.com")]
    [InlineData("\u00C9lodie@Example.com", "\u00C9lodie@example.com")]
    [InlineData("ZOE@EXAMPLE.AZ", "zoe@example.az")]
    public void Only_ascii_letters_are_lower_cased(string email, string expected) => Assert.Equal(expected, McpUserEmail.Normalize(email));

    [Fact]
    public void The_kelvin_sign_address_never_normalizes_to_the_kelvin_one() =>
        Assert.NotEqual(McpUserEmail.Normalize("kelvin@example.com"), McpUserEmail.Normalize("\u212Aelvin@example.com"));

    [Fact]
    public void Only_an_email_the_issuer_vouches_for_is_linkable()
    {
        var options = new McpUserMappingOptions();

        Assert.Null(McpUserEmail.Linkable(Identity("Ada@Example.com"), options));
        Assert.Null(McpUserEmail.Linkable(Identity("Ada@Example.com", new TokenClaim("email_verified", "false")), options));
        Assert.Equal("ada@example.com", McpUserEmail.Linkable(Identity("Ada@Example.com", new TokenClaim("email_verified", "true")), options));
        Assert.Null(McpUserEmail.Linkable(Identity("  ", new TokenClaim("email_verified", "true")), options));
    }

    [Fact]
    public void An_issuer_declared_verified_vouches_for_its_emails_and_no_other_issuers()
    {
        var options = new McpUserMappingOptions { VerifiedEmailSources = [TokenSources.AuthKit] };

        Assert.Equal("ada@example.com", McpUserEmail.Linkable(Identity("ada@example.com"), options));
        Assert.Null(McpUserEmail.Linkable(new TokenIdentity { Subject = "user_01", Email = "ada@example.com", Source = TokenSources.Jwt }, options));
    }

    [Fact]
    public void Verification_needs_an_identity_and_options()
    {
        Assert.Equal("identity", Assert.Throws<ArgumentNullException>(() => McpUserEmail.IsVerified(null!, new McpUserMappingOptions())).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => McpUserEmail.IsVerified(Identity("ada@example.com"), null!)).ParamName);
    }

    private static TokenIdentity Identity(string? email, params TokenClaim[] claims) =>
        new() { Subject = "user_01", Email = email, Source = TokenSources.AuthKit, Claims = claims };
}
