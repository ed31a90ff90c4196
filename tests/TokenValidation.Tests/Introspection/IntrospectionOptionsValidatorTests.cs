using Microsoft.Extensions.Options;
using TokenValidation.Introspection;

namespace TokenValidation.Tests.Introspection;

/// <summary>CONTRACT §12: start-up checks of <see cref="IntrospectionOptions"/>, each bound tested on both sides; no message carries the secret.</summary>
public sealed class IntrospectionOptionsValidatorTests
{
    private const string Secret = "s3cret-value";

    [Fact]
    public void A_complete_configuration_passes_and_values_at_the_edge_of_each_bound_too()
    {
        Assert.True(Validate(Options()).Succeeded);
        Assert.True(Validate(Options(o => o.MaxResponseBytes = 256)).Succeeded);
        Assert.True(Validate(Options(o => o.Timeout = TimeSpan.FromTicks(1))).Succeeded);
        Assert.True(Validate(Options(o => o.TokenPrefix = "opq_")).Succeeded);
        Assert.True(Validate(Options(o => o.ClientAuthentication = IntrospectionClientAuthentication.ClientSecretPost)).Succeeded);
        Assert.True(Validate(Options(o => o.Endpoint = "https://as.example.com/introspect")).Succeeded);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "client id blank", "TokenValidation:Introspection:ClientId is required: the client id this server authenticates with at the introspection endpoint." },
        { "secret missing", "TokenValidation:Introspection:ClientSecret is required: the client secret this server authenticates with at the introspection endpoint (keep it in a secret store, not in appsettings)." },
        { "secret padded", "TokenValidation:Introspection:ClientSecret has leading or trailing whitespace (a newline or space copied with the value)." },
        { "authentication undefined", "TokenValidation:Introspection:ClientAuthentication must be ClientSecretBasic or ClientSecretPost." },
        { "prefix empty", "TokenValidation:Introspection:TokenPrefix must be a non-empty prefix without whitespace, or not set (introspection is then the fallback for unprefixed tokens)." },
        { "prefix padded", "TokenValidation:Introspection:TokenPrefix must be a non-empty prefix without whitespace, or not set (introspection is then the fallback for unprefixed tokens)." },
        { "timeout zero", "TokenValidation:Introspection:Timeout must be positive (got 00:00:00)." },
        { "limit 255", "TokenValidation:Introspection:MaxResponseBytes must be at least 256 (got 255)." },
        { "issuer missing", "TokenValidation:Introspection:Issuer is required." },
        { "endpoint http", "TokenValidation:Introspection:Endpoint must use https outside Development (got 'http://as.example.com/introspect')." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_value_past_a_bound_fails_with_one_message_naming_its_key_and_never_the_secret(string change, string message)
    {
        var options = Options(o =>
        {
            switch (change)
            {
                case "client id blank": o.ClientId = " "; break;
                case "secret missing": o.ClientSecret = ""; break;
                case "secret padded": o.ClientSecret = Secret + "\n"; break;
                case "authentication undefined": o.ClientAuthentication = (IntrospectionClientAuthentication)7; break;
                case "prefix empty": o.TokenPrefix = ""; break;
                case "prefix padded": o.TokenPrefix = " opq_"; break;
                case "timeout zero": o.Timeout = TimeSpan.Zero; break;
                case "limit 255": o.MaxResponseBytes = 255; break;
                case "issuer missing": o.Issuer = null; break;
                case "endpoint http": o.Endpoint = "http://as.example.com/introspect"; break;
            }
        });

        var result = Validate(options);

        Assert.Equal([message], result.Failures);
        Assert.DoesNotContain(Secret, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData(" ", true, true)]
    [InlineData("client-abc", true, false)]
    [InlineData(null, false, false)]
    public void Without_a_resource_an_audience_is_required_unless_the_requirement_is_off(string? audience, bool required, bool fails)
    {
        var options = Options(o => o.RequireAudience = required);
        if (audience is not null)
        {
            options.Audiences.Add(audience);
        }

        var result = Validate(options, resource: null);

        Assert.Equal(fails, result.Failed);
        if (fails)
        {
            Assert.StartsWith("TokenValidation:Resource (or TokenValidation:Introspection:Audiences) is required", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }

    private static IntrospectionOptions Options(Action<IntrospectionOptions>? change = null)
    {
        var options = new IntrospectionOptions { Issuer = "https://as.example.com", ClientId = "resource-server", ClientSecret = Secret };
        change?.Invoke(options);
        return options;
    }

    private static ValidateOptionsResult Validate(IntrospectionOptions options, string? resource = "https://mcp.example.com/mcp") =>
        new IntrospectionOptionsValidator("TokenValidation", () => resource).Validate(null, options);
}
