using Microsoft.Extensions.Options;
using TokenValidation.Jwt;

namespace TokenValidation.Tests.Jwt;

/// <summary>CONTRACT §11: start-up checks of <see cref="JwtOptions"/>, each bound tested on both sides; every message names its key.</summary>
public sealed class JwtOptionsValidatorTests
{
    [Fact]
    public void The_defaults_with_an_issuer_and_a_resource_pass()
    {
        Assert.True(Validate(new JwtOptions { Issuer = "https://as.example.com" }).Succeeded);
    }

    public static TheoryData<Action<JwtOptions>> Accepted => new()
    {
        o => o.ClockSkew = TimeSpan.Zero,
        o => o.ClockSkew = TimeSpan.FromMinutes(5),
        o => o.KeyRefreshInterval = TimeSpan.FromMinutes(1),
        o => o.MinimumKeyRefreshInterval = TimeSpan.FromSeconds(1),
        o => o.Timeout = TimeSpan.FromMilliseconds(1),
        o => o.MaxResponseBytes = 256,
        o => o.AllowedAlgorithms = ["RS256", "PS512", "ES384"],
        o => o.JwksUri = "https://as.example.com/jwks",
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Values_at_the_edge_of_each_bound_pass(Action<JwtOptions> change)
    {
        var options = new JwtOptions { Issuer = "https://as.example.com" };
        change(options);

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static TheoryData<Action<JwtOptions>, string> Refused => new()
    {
        { o => o.ClockSkew = TimeSpan.FromTicks(-1), "TokenValidation:Jwt:ClockSkew must be between 0 and 00:05:00 (got -00:00:00.0000001)." },
        { o => o.ClockSkew = TimeSpan.FromMinutes(5) + TimeSpan.FromTicks(1), "TokenValidation:Jwt:ClockSkew must be between 0 and 00:05:00 (got 00:05:00.0000001)." },
        { o => o.KeyRefreshInterval = TimeSpan.FromSeconds(59), "TokenValidation:Jwt:KeyRefreshInterval must be at least 00:01:00 (got 00:00:59)." },
        { o => o.MinimumKeyRefreshInterval = TimeSpan.FromMilliseconds(999), "TokenValidation:Jwt:MinimumKeyRefreshInterval must be at least 00:00:01 (got 00:00:00.9990000)." },
        { o => o.Timeout = TimeSpan.Zero, "TokenValidation:Jwt:Timeout must be positive (got 00:00:00)." },
        { o => o.MaxResponseBytes = 255, "TokenValidation:Jwt:MaxResponseBytes must be at least 256 (got 255)." },
        { o => o.Issuer = null, "TokenValidation:Jwt:Issuer is required." },
        { o => o.JwksUri = "http://as.example.com/jwks", "TokenValidation:Jwt:JwksUri must use https outside Development (got 'http://as.example.com/jwks')." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_value_past_a_bound_fails_with_a_message_naming_its_key(Action<JwtOptions> change, string message)
    {
        var options = new JwtOptions { Issuer = "https://as.example.com" };
        change(options);

        var result = Validate(options);

        Assert.Equal([message], result.Failures);
    }

    [Fact]
    public void Every_refused_algorithm_is_named_and_the_allowed_ones_listed()
    {
        var result = Validate(new JwtOptions { Issuer = "https://as.example.com", AllowedAlgorithms = ["RS256", "HS256", "none"] });

        Assert.Equal(2, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith(
            "TokenValidation:Jwt:AllowedAlgorithms may hold only asymmetric signature algorithms (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512); '",
            f,
            StringComparison.Ordinal));
        Assert.Contains("'HS256' is refused", result.Failures!.First(), StringComparison.Ordinal);
        Assert.Contains("'none' is refused", result.Failures!.Last(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData(" ", true, true)]
    [InlineData("client-abc", true, false)]
    [InlineData(null, false, false)]
    public void Without_a_resource_an_audience_is_required_unless_the_requirement_is_off(string? audience, bool required, bool fails)
    {
        var options = new JwtOptions { Issuer = "https://as.example.com", RequireAudience = required };
        if (audience is not null)
        {
            options.Audiences.Add(audience);
        }

        var result = Validate(options, resource: null);

        Assert.Equal(fails, result.Failed);
        if (fails)
        {
            Assert.StartsWith("TokenValidation:Resource (or TokenValidation:Jwt:Audiences) is required", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }

    private static ValidateOptionsResult Validate(JwtOptions options, string? resource = "https://mcp.example.com/mcp") =>
        new JwtOptionsValidator("TokenValidation", Options.Create(new TokenValidationOptions { Resource = resource })).Validate(null, options);
}
