using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TokenValidation.ApiKeys;
using TokenValidation.AuthKit;
using TokenValidation.Caching;

namespace TokenValidation.Tests.Core;

/// <summary>
/// CONTRACT §8: every bounded setting accepts its boundary value and refuses the first value past it, with a message
/// that names the key. Options are resolved the way start-up resolves them.
/// </summary>
public sealed class OptionBoundaryTests
{
    [Theory]
    [InlineData("MaxTokenLength", "15", "16")]
    [InlineData("MaxConcurrentUpstreamCalls", "0", "1")]
    [InlineData("ClientMissesPerSecond", "-1", "0")]
    [InlineData("ClientMissBurst", "0", "1")]
    [InlineData("DefaultRetryAfterSeconds", "0", "1")]
    [InlineData("AuthKit:MaxResponseBytes", "255", "256")]
    [InlineData("AuthKit:Timeout", "00:00:00.0099999", "00:00:00.010")]
    [InlineData("AuthKit:Timeout", "1.00:00:00.0000001", "1.00:00:00")]
    [InlineData("AuthKit:UserInfoPath", "oauth/userinfo", "/u")]
    [InlineData("AuthKit:UserInfoPath", "/oauth/userinfo ", "/oauth/userinfo")]
    [InlineData("AuthKit:UserInfoPath", " ", "/")]
    [InlineData("AuthKit:TokenPrefix", "mat=", "m")]
    [InlineData("AuthKit:TokenPrefix", "ma t", "ma-t")]
    [InlineData("AuthKit:Resilience:AttemptTimeout", "00:00:00.0099999", "00:00:00.010")]
    [InlineData("AuthKit:Resilience:AttemptTimeout", "1.00:00:00.0000001", "1.00:00:00")]
    [InlineData("AuthKit:Resilience:MaxRetryAttempts", "-1", "0")]
    [InlineData("AuthKit:Resilience:MaxRetryAttempts", "6", "5")]
    [InlineData("AuthKit:Resilience:RetryDelay", "-00:00:00.0000001", "00:00:00")]
    [InlineData("AuthKit:Resilience:RetryDelay", "1.00:00:00.0000001", "1.00:00:00")]
    [InlineData("AuthKit:Resilience:MaxRetryAfter", "-00:00:00.0000001", "00:00:00")]
    [InlineData("AuthKit:Resilience:FailureRatio", "0", "1")]
    [InlineData("AuthKit:Resilience:FailureRatio", "1.0000001", "0.0000001")]
    [InlineData("AuthKit:Resilience:FailureRatio", "NaN", "0.5")]
    [InlineData("AuthKit:Resilience:SamplingDuration", "00:00:00.4999999", "00:00:00.500")]
    [InlineData("AuthKit:Resilience:SamplingDuration", "1.00:00:00.0000001", "1.00:00:00")]
    [InlineData("AuthKit:Resilience:MinimumThroughput", "1", "2")]
    [InlineData("AuthKit:Resilience:BreakDuration", "00:00:00.4999999", "00:00:00.500")]
    [InlineData("AuthKit:Resilience:BreakDuration", "1.00:00:00.0000001", "1.00:00:00")]
    [InlineData("ApiKeys:Prefix", "", "w")]
    [InlineData("Cache:Lifetime", "00:00:00", "00:00:00.0000001")]
    [InlineData("Cache:InvalidLifetime", "-00:00:00.0000001", "00:00:00")]
    [InlineData("Cache:MaxEntries", "0", "1")]
    [InlineData("Cache:MaxInvalidEntries", "0", "1")]
    [InlineData("Cache:RefreshAheadRatio", "-0.0000001", "0")]
    [InlineData("Cache:RefreshAheadRatio", "1", "0.9999999")]
    [InlineData("Cache:StaleIfErrorWindow", "-00:00:00.0000001", "00:00:00")]
    [InlineData("Cache:DistributedCacheTimeout", "00:00:00", "00:00:00.0000001")]
    [InlineData("Cache:DistributedCacheFailureThreshold", "0", "1")]
    [InlineData("Cache:DistributedCacheCooldown", "-00:00:00.0000001", "00:00:00")]
    public void A_setting_accepts_its_boundary_and_refuses_the_first_value_past_it_naming_the_key(string key, string refused, string accepted)
    {
        string fullKey = "TokenValidation:" + key;

        Assert.Contains(Failures(new() { [fullKey] = refused }), f => f.StartsWith(fullKey + " ", StringComparison.Ordinal));
        Assert.DoesNotContain(Failures(new() { [fullKey] = accepted }), f => f.Contains(fullKey, StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_bound_from_another_section_are_named_by_that_section()
    {
        var failures = Failures(new() { ["Auth:Tokens:MaxTokenLength"] = "1", ["Auth:Tokens:Cache:MaxEntries"] = "0", ["Auth:Tokens:AuthKit:Timeout"] = "00:00:00" }, "Auth:Tokens");

        Assert.Contains(failures, f => f.StartsWith("Auth:Tokens:MaxTokenLength must be at least 16", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:Tokens:Cache:MaxEntries must be at least 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:Tokens:AuthKit:Timeout must be positive", StringComparison.Ordinal));
    }

    [Fact]
    public void An_API_key_needs_a_name_and_a_hash_that_is_a_sha256_and_not_the_key_itself()
    {
        var key = ApiKeyGenerator.Generate();
        var failures = Failures(new()
        {
            ["TokenValidation:ApiKeys:Keys:0:Name"] = " ",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = new string('a', 64),
            ["TokenValidation:ApiKeys:Keys:1:Name"] = "pasted",
            ["TokenValidation:ApiKeys:Keys:1:Hash"] = key.Key,
            ["TokenValidation:ApiKeys:Keys:2:Name"] = "short",
            ["TokenValidation:ApiKeys:Keys:2:Hash"] = new string('a', 63),
            ["TokenValidation:ApiKeys:Keys:3:Name"] = "not-hex",
            ["TokenValidation:ApiKeys:Keys:3:Hash"] = new string('g', 64),
            ["TokenValidation:ApiKeys:Keys:4:Name"] = "padded",
            ["TokenValidation:ApiKeys:Keys:4:Hash"] = " " + new string('B', 64) + " ",
        });

        Assert.Equal(
            [
                "TokenValidation:ApiKeys:Keys:0:Name is required.",
                "TokenValidation:ApiKeys:Keys:1:Hash holds what looks like a plaintext API key. Configure its SHA-256 (64 hex digits) instead, and treat the key as leaked.",
                "TokenValidation:ApiKeys:Keys:2:Hash must be the SHA-256 of the key as 64 hex digits.",
                "TokenValidation:ApiKeys:Keys:3:Hash must be the SHA-256 of the key as 64 hex digits.",
            ],
            failures.Where(f => f.Contains(":ApiKeys:", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_same_hash_twice_in_any_case_is_refused_naming_both_keys()
    {
        var failures = Failures(new()
        {
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "first",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = new string('c', 64),
            ["TokenValidation:ApiKeys:Keys:1:Name"] = "second",
            ["TokenValidation:ApiKeys:Keys:1:Hash"] = new string('C', 64) + " ",
            ["TokenValidation:ApiKeys:Keys:2:Name"] = "third",
            ["TokenValidation:ApiKeys:Keys:2:Hash"] = new string('d', 64),
        });

        Assert.Equal(["TokenValidation:ApiKeys:Keys has the same hash more than once (names: first, second)."], failures);
    }

    [Fact]
    public void A_valid_configuration_has_no_failures()
    {
        Assert.Empty(Failures([]));
    }

    // Every failure of the four options classes the core validates, as start-up would report them.
    private static List<string> Failures(Dictionary<string, string?> settings, string section = "TokenValidation")
    {
        settings.TryAdd(section + ":AuthKit:Authority", "https://example.authkit.app");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTokenValidation(configuration.GetSection(section)).AddAuthKit().AddApiKeys();
        using var provider = services.BuildServiceProvider();
        var failures = new List<string>();
        Collect(failures, () => provider.GetRequiredService<IOptions<TokenValidationOptions>>().Value);
        Collect(failures, () => provider.GetRequiredService<IOptions<AuthKitOptions>>().Value);
        Collect(failures, () => provider.GetRequiredService<IOptions<ApiKeyOptions>>().Value);
        Collect(failures, () => provider.GetRequiredService<IOptions<TokenCacheOptions>>().Value);
        return failures;
    }

    private static void Collect(List<string> failures, Func<object> resolve)
    {
        try
        {
            resolve();
        }
        catch (OptionsValidationException ex)
        {
            failures.AddRange(ex.Failures);
        }
    }
}
