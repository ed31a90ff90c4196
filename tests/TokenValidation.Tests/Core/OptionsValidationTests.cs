using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenValidation.ApiKeys;
using TokenValidation.Caching;

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

    [Fact]
    public async Task An_AuthKit_authority_without_AddAuthKit_fails_start_up_saying_to_call_AddAuthKit()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com" });
        builder.Services.AddTokenValidation(builder.Configuration.GetSection("TokenValidation")).AddApiKeys();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("TokenValidation:AuthKit:Authority is configured but AuthKit tokens are not validated: call .AddAuthKit()", Messages(error));
    }

    [Fact]
    public async Task Calling_AddApiKeys_twice_binds_the_keys_and_claims_the_prefix_once()
    {
        var key = ApiKeyGenerator.Generate();
        using var host = BuildHost(
            new Dictionary<string, string?>
            {
                ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com",
                ["TokenValidation:ApiKeys:Keys:0:Name"] = "ci-bot",
                ["TokenValidation:ApiKeys:Keys:0:Hash"] = key.Hash,
            },
            b => b.AddApiKeys().AddApiKeys(o => o.Keys[0].Scopes.Add("extra")));

        await host.StartAsync();

        var keys = host.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.Keys;
        Assert.Equal("ci-bot", Assert.Single(keys).Name);
        var result = await host.Services.GetRequiredService<ITokenValidationService>().ValidateAsync(key.Key);
        Assert.True(result.IsValid);
        Assert.Equal(["extra"], result.Identity!.Scopes);
        await host.StopAsync();
    }

    [Fact]
    public async Task Calling_AddValidator_or_AddFallbackValidator_twice_registers_each_once_and_the_validator_is_called_once()
    {
        using var host = BuildHost(
            new Dictionary<string, string?> { ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com" },
            b => b.AddValidator<CountingValidator>("cv_", "custom").AddValidator<CountingValidator>("cv_", "custom")
                .AddFallbackValidator<CountingValidator>("custom").AddFallbackValidator<CountingValidator>("custom"));

        await host.StartAsync();

        var validation = host.Services.GetRequiredService<ITokenValidationService>();
        Assert.True((await validation.ValidateAsync("cv_" + Guid.NewGuid().ToString("N"))).IsValid);
        Assert.True((await validation.ValidateAsync("unprefixed" + Guid.NewGuid().ToString("N"))).IsValid);
        Assert.Equal(2, host.Services.GetRequiredService<CountingValidator>().Calls);
        await host.StopAsync();
    }

    [Fact]
    public async Task Calling_AddDistributedCache_or_AddTokenValidation_twice_is_harmless()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com" });
        var section = builder.Configuration.GetSection("TokenValidation");
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddTokenValidation(section).AddAuthKit().AddApiKeys().AddDistributedCache(o => o.InstanceName = "first");
        builder.Services.AddTokenValidation(section).AddAuthKit().AddApiKeys().AddDistributedCache(o => o.Lifetime = TimeSpan.FromMinutes(1));
        using var host = builder.Build();

        await host.StartAsync();

        var cache = host.Services.GetRequiredService<IOptions<TokenCacheOptions>>().Value;
        Assert.True(cache.UseDistributedCache);
        Assert.Equal("first", cache.InstanceName);
        Assert.Equal(TimeSpan.FromMinutes(1), cache.Lifetime);
        Assert.Single(host.Services.GetServices<ITokenValidationService>());
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
