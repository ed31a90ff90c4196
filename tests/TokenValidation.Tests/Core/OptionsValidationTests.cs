using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TokenValidation.Tests.Core;

/// <summary>Configuration errors fail at start-up with a message that names the key.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData(null, "TokenValidation:AuthKit:Authority is required")]
    [InlineData("", "TokenValidation:AuthKit:Authority is required")]
    [InlineData("/relative", "TokenValidation:AuthKit:Authority must be an absolute URL")]
    [InlineData("auth.example.com", "TokenValidation:AuthKit:Authority must be an absolute URL")]
    [InlineData("https://auth.example.com\n", "TokenValidation:AuthKit:Authority has leading or trailing whitespace")]
    [InlineData(" https://auth.example.com", "TokenValidation:AuthKit:Authority has leading or trailing whitespace")]
    [InlineData("http://auth.example.com", "TokenValidation:AuthKit:Authority must use https")]
    [InlineData("https://auth.example.com#frag", "TokenValidation:AuthKit:Authority must not have a query or fragment")]
    public async Task Bad_authority_fails_host_start_naming_the_key(string? authority, string expected)
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["TokenValidation:AuthKit:Authority"] = authority });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains(expected, Messages(error));
    }

    [Theory]
    [InlineData("TokenValidation:AuthKit:TokenPrefix", "", "TokenValidation:AuthKit:TokenPrefix")]
    [InlineData("TokenValidation:AuthKit:UserInfoPath", "oauth/userinfo", "TokenValidation:AuthKit:UserInfoPath")]
    [InlineData("TokenValidation:AuthKit:Timeout", "00:00:00", "TokenValidation:AuthKit:Timeout")]
    [InlineData("TokenValidation:Cache:MaxEntries", "0", "TokenValidation:Cache:MaxEntries")]
    [InlineData("TokenValidation:Cache:Lifetime", "-00:00:01", "TokenValidation:Cache:Lifetime")]
    [InlineData("TokenValidation:MaxTokenLength", "0", "TokenValidation:MaxTokenLength")]
    [InlineData("TokenValidation:ApiKeys:Keys:0:Hash", "abc", "TokenValidation:ApiKeys:Keys:0:Hash")]
    public async Task Other_bad_values_fail_host_start_naming_the_key(string key, string value, string expected)
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com",
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "k",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = new string('a', 64),
            [key] = value,
        });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains(expected, Messages(error));
    }

    [Fact]
    public async Task A_bad_authority_is_reported_once()
    {
        using var host = BuildHost(new Dictionary<string, string?>());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var messages = Messages(error);
        Assert.Equal(messages.IndexOf("Authority is required", StringComparison.Ordinal), messages.LastIndexOf("Authority is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_validators_claiming_one_prefix_fail_start_up()
    {
        using var host = BuildHost(
            new Dictionary<string, string?> { ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com" },
            b => b.AddValidator<CountingValidator>("mat_", "custom").AddFallbackValidator<CountingValidator>("one").AddFallbackValidator<CountingValidator>("two"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Token prefix 'mat_' is claimed by more than one validator: authkit, custom.", Messages(error));
        Assert.Contains("More than one fallback validator is registered: one, two.", Messages(error));
    }

    [Fact]
    public async Task Good_configuration_starts()
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com" });

        await host.StartAsync();
        await host.StopAsync();
    }

    // The host reports every failed options class at once, as an AggregateException of OptionsValidationExceptions.
    private static string Messages(Exception error) => error is AggregateException aggregate
        ? string.Join("\n", aggregate.Flatten().InnerExceptions.OfType<OptionsValidationException>().Select(e => e.Message))
        : Assert.IsType<OptionsValidationException>(error).Message;

    private static IHost BuildHost(Dictionary<string, string?> settings, Action<TokenValidationBuilder>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        var validation = builder.Services.AddTokenValidation(builder.Configuration.GetSection("TokenValidation")).AddAuthKit().AddApiKeys();
        configure?.Invoke(validation);
        return builder.Build();
    }
}
