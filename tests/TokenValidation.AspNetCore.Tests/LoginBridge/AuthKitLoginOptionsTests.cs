using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.LoginBridge;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>The start-up messages of <c>TokenValidation:AuthKitLogin</c> at their edges: what each says and when.</summary>
public sealed class AuthKitLoginOptionsTests
{
    [Theory]
    [InlineData(" sk_test_x")]
    [InlineData("sk_test\u0007x")]
    public void An_api_key_with_a_space_around_it_or_a_control_character_in_it_is_refused_without_showing_it(string apiKey)
    {
        var error = ErrorOf(("TokenValidation:AuthKitLogin:ApiKey", apiKey));

        Assert.Contains("TokenValidation:AuthKitLogin:ApiKey has whitespace or control characters", error, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_test", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_api_key_names_the_environment_variable_to_keep_it_in()
    {
        var error = ErrorOf(("TokenValidation:AuthKitLogin:ApiKey", null));

        Assert.Contains(
            "Keep it in a secret store or an environment variable (TokenValidation__AuthKitLogin__ApiKey), not in appsettings.json.",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_authority_says_where_its_default_comes_from()
    {
        var error = ErrorOf(("TokenValidation:AuthKit:Authority", null));

        Assert.Contains(
            "TokenValidation:AuthKitLogin:Authority is required. It defaults to TokenValidation:AuthKit:Authority, your AuthKit domain (for example https://your-subdomain.authkit.app).",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_timeout_is_refused()
    {
        var error = ErrorOf(("TokenValidation:AuthKitLogin:Timeout", "00:00:00"));

        Assert.Contains("TokenValidation:AuthKitLogin:Timeout must be more than 0 and at most 00:02:00 (got 00:00:00).", error, StringComparison.Ordinal);
    }

    private static string ErrorOf((string Key, string? Value) change)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKitLogin:ApiKey"] = "sk_test_x",
            ["TokenValidation:AuthKit:Authority"] = "https://tenant.authkit.app",
        };
        settings[change.Key] = change.Value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAuthKitLogin(configuration.GetSection("TokenValidation"));
        using var provider = services.BuildServiceProvider();

        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value).Message;
    }
}
