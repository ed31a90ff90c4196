using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenValidation.AuthKit;

namespace TokenValidation.Tests.Resilience;

/// <summary>The resilience options: documented defaults, bound from <c>TokenValidation:AuthKit:Resilience</c>, validated naming the key.</summary>
public sealed class AuthKitResilienceOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new AuthKitOptions();

        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
        var r = options.Resilience;
        Assert.True(r.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(2), r.AttemptTimeout);
        Assert.Equal(1, r.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(200), r.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), r.MaxRetryAfter);

        // The package's standard handler's breaker (CONTRACT §7a): no more eager than it.
        Assert.Equal(0.1, r.FailureRatio);
        Assert.Equal(TimeSpan.FromSeconds(30), r.SamplingDuration);
        Assert.Equal(100, r.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(5), r.BreakDuration);
        Assert.Empty(Validate([]));
    }

    [Fact]
    public void Every_setting_binds_from_configuration()
    {
        var options = Resolve(new()
        {
            ["TokenValidation:AuthKit:Timeout"] = "00:00:08",
            ["TokenValidation:AuthKit:Resilience:Enabled"] = "true",
            ["TokenValidation:AuthKit:Resilience:AttemptTimeout"] = "00:00:03",
            ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "2",
            ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.100",
            ["TokenValidation:AuthKit:Resilience:MaxRetryAfter"] = "00:00:02",
            ["TokenValidation:AuthKit:Resilience:FailureRatio"] = "0.25",
            ["TokenValidation:AuthKit:Resilience:SamplingDuration"] = "00:01:00",
            ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "20",
            ["TokenValidation:AuthKit:Resilience:BreakDuration"] = "00:00:45",
        });

        Assert.Equal(TimeSpan.FromSeconds(8), options.Timeout);
        var r = options.Resilience;
        Assert.Equal(TimeSpan.FromSeconds(3), r.AttemptTimeout);
        Assert.Equal(2, r.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(100), r.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), r.MaxRetryAfter);
        Assert.Equal(0.25, r.FailureRatio);
        Assert.Equal(TimeSpan.FromMinutes(1), r.SamplingDuration);
        Assert.Equal(20, r.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(45), r.BreakDuration);
    }

    [Theory]
    [InlineData("TokenValidation:AuthKit:Resilience:AttemptTimeout", "00:00:00", "TokenValidation:AuthKit:Resilience:AttemptTimeout")]
    [InlineData("TokenValidation:AuthKit:Resilience:MaxRetryAttempts", "-1", "TokenValidation:AuthKit:Resilience:MaxRetryAttempts")]
    [InlineData("TokenValidation:AuthKit:Resilience:MaxRetryAttempts", "6", "TokenValidation:AuthKit:Resilience:MaxRetryAttempts")]
    [InlineData("TokenValidation:AuthKit:Resilience:RetryDelay", "-00:00:01", "TokenValidation:AuthKit:Resilience:RetryDelay")]
    [InlineData("TokenValidation:AuthKit:Resilience:MaxRetryAfter", "-00:00:01", "TokenValidation:AuthKit:Resilience:MaxRetryAfter")]
    [InlineData("TokenValidation:AuthKit:Resilience:FailureRatio", "0", "TokenValidation:AuthKit:Resilience:FailureRatio")]
    [InlineData("TokenValidation:AuthKit:Resilience:FailureRatio", "1.5", "TokenValidation:AuthKit:Resilience:FailureRatio")]
    [InlineData("TokenValidation:AuthKit:Resilience:SamplingDuration", "00:00:00.100", "TokenValidation:AuthKit:Resilience:SamplingDuration")]
    [InlineData("TokenValidation:AuthKit:Resilience:MinimumThroughput", "1", "TokenValidation:AuthKit:Resilience:MinimumThroughput")]
    [InlineData("TokenValidation:AuthKit:Resilience:BreakDuration", "00:00:00.100", "TokenValidation:AuthKit:Resilience:BreakDuration")]
    [InlineData("TokenValidation:AuthKit:Timeout", "00:00:00.005", "TokenValidation:AuthKit:Timeout")]
    public void A_bad_value_fails_naming_its_key(string key, string value, string named)
    {
        var failures = Validate(new() { [key] = value });

        Assert.Contains(failures, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void An_attempt_timeout_above_the_total_is_accepted_and_capped_by_it()
    {
        Assert.Empty(Validate(new() { ["TokenValidation:AuthKit:Timeout"] = "00:00:00.500" }));
    }

    [Fact]
    public void With_the_pipeline_off_its_settings_are_not_checked()
    {
        var failures = Validate(new()
        {
            ["TokenValidation:AuthKit:Resilience:Enabled"] = "false",
            ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "0",
        });

        Assert.Empty(failures);
    }

    private static AuthKitOptions Resolve(Dictionary<string, string?> settings)
    {
        using var provider = Build(settings);
        return provider.GetRequiredService<IOptions<AuthKitOptions>>().Value;
    }

    private static List<string> Validate(Dictionary<string, string?> settings)
    {
        using var provider = Build(settings);
        try
        {
            _ = provider.GetRequiredService<IOptions<AuthKitOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("TokenValidation:AuthKit:Authority", "https://example.authkit.app");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTokenValidation(configuration.GetSection("TokenValidation")).AddAuthKit();
        return services.BuildServiceProvider();
    }
}
