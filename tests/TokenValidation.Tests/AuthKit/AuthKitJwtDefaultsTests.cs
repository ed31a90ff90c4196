using TokenValidation.AuthKit;
using TokenValidation.Jwt;

namespace TokenValidation.Tests.AuthKit;

/// <summary>CONTRACT §1, §11, §13: hosted AuthKit's JWTs, by default, are checked against {authority}/oauth2/jwks and must name the resource.</summary>
public sealed class AuthKitJwtDefaultsTests
{
    [Fact]
    public void By_default_AuthKit_jwts_use_the_authoritys_oauth2_jwks_the_default_algorithms_and_require_the_resource()
    {
        var issuer = JwtIssuerFactory.FromAuthKit(new AuthKitOptions { Authority = "https://acme.authkit.app/" }, "https://mcp.example.com/mcp");

        Assert.Equal("https://acme.authkit.app/", issuer.Issuer);
        Assert.Equal("https://acme.authkit.app/oauth2/jwks", issuer.JwksUri);
        Assert.Equal(["RS256", "PS256", "ES256"], issuer.Algorithms);
        Assert.Equal(TokenSources.AuthKit, issuer.Source);
        Assert.True(issuer.Audience.Required);
        Assert.False(issuer.Audience.Accepts([]));
        Assert.False(issuer.Audience.Accepts(["https://other.example.com/mcp"]));
        Assert.True(issuer.Audience.Accepts(["https://mcp.example.com/mcp"]));
    }

    [Fact]
    public void Extra_audiences_are_accepted_and_the_requirement_can_be_turned_off()
    {
        var options = new AuthKitOptions { Authority = "https://acme.authkit.app", Audiences = ["client_01"], RequireAudience = false };

        var issuer = JwtIssuerFactory.FromAuthKit(options, "https://mcp.example.com/mcp");

        Assert.Equal("https://acme.authkit.app/oauth2/jwks", issuer.JwksUri);
        Assert.False(issuer.Audience.Required);
        Assert.Contains("client_01", issuer.Audience.Accepted);
        Assert.Contains("https://mcp.example.com/mcp", issuer.Audience.Accepted);
    }
}
