using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TokenValidation.AuthKit;

namespace TokenValidation.Tests.Core;

/// <summary>The registration entry points: each overload applies its configuration, and null arguments are refused by name.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void AddTokenValidation_refuses_null_arguments_by_name()
    {
        var services = new ServiceCollection();

        Assert.Equal("configuration", Assert.Throws<ArgumentNullException>(() => services.AddTokenValidation((IConfiguration)null!)).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => services.AddTokenValidation((Action<TokenValidationOptions>)null!)).ParamName);
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddTokenValidation()).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => services.AddTokenValidation().ConfigureAuthKitHttpClient(null!)).ParamName);
    }

    [Fact]
    public async Task Options_configured_in_code_apply_and_are_validated()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTokenValidation(o => o.MaxTokenLength = 20).AddValidator<CountingValidator>("tst_");
        await using var provider = services.BuildServiceProvider();
        var validation = provider.GetRequiredService<ITokenValidationService>();

        Assert.True((await validation.ValidateAsync("tst_" + new string('a', 16))).IsValid);
        Assert.Equal("The token is too long.", (await validation.ValidateAsync("tst_" + new string('a', 17))).ErrorDescription);

        var invalid = new ServiceCollection();
        invalid.AddTokenValidation(o => o.MaxTokenLength = 1);
        using var failing = invalid.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => failing.GetRequiredService<IOptions<TokenValidationOptions>>().Value);
        Assert.StartsWith("TokenValidation:MaxTokenLength must be at least 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_application_validator_needs_a_prefix()
    {
        var builder = new ServiceCollection().AddTokenValidation();

        Assert.Equal("prefix", Assert.Throws<ArgumentException>(() => builder.AddValidator<CountingValidator>("")).ParamName);
        Assert.Equal("prefix", Assert.Throws<ArgumentNullException>(() => builder.AddValidator<CountingValidator>(null!)).ParamName);
    }

    [Fact]
    public void Calling_AddAuthKit_twice_binds_its_section_once()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com",
            ["TokenValidation:AuthKit:DefaultScopes:0"] = "mcp:tools",
        }).Build();
        var services = new ServiceCollection();
        services.AddTokenValidation(configuration.GetSection("TokenValidation")).AddAuthKit().AddAuthKit();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(["mcp:tools"], provider.GetRequiredService<IOptions<AuthKitOptions>>().Value.DefaultScopes);
    }

    [Fact]
    public void ConfigureCache_applies_in_code()
    {
        var services = new ServiceCollection();
        services.AddTokenValidation().ConfigureCache(o => o.Lifetime = TimeSpan.FromMinutes(2));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromMinutes(2), provider.GetRequiredService<IOptions<TokenValidation.Caching.TokenCacheOptions>>().Value.Lifetime);
    }

    [Fact]
    public void With_the_pipeline_off_a_zero_Timeout_is_still_refused_and_a_null_pipeline_is_named()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com",
            ["TokenValidation:AuthKit:Timeout"] = "00:00:00",
            ["TokenValidation:AuthKit:Resilience:Enabled"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddTokenValidation(configuration.GetSection("TokenValidation")).AddAuthKit();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthKitOptions>>().Value);
        Assert.Equal(["TokenValidation:AuthKit:Timeout must be positive (got 00:00:00)."], error.Failures);

        var nulled = new ServiceCollection();
        nulled.AddTokenValidation(configuration.GetSection("TokenValidation")).AddAuthKit(o => (o.Timeout, o.Resilience) = (TimeSpan.FromSeconds(1), null!));
        using var nulledProvider = nulled.BuildServiceProvider();
        error = Assert.Throws<OptionsValidationException>(() => nulledProvider.GetRequiredService<IOptions<AuthKitOptions>>().Value);
        Assert.Equal(["TokenValidation:AuthKit:Resilience must not be null."], error.Failures);
    }

    [Fact]
    public void AddAuthKit_applies_code_configuration_on_top_of_the_bound_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Authority"] = "https://auth.example.com",
            ["TokenValidation:AuthKit:TokenPrefix"] = "oat_",
        }).Build();
        var services = new ServiceCollection();
        services.AddTokenValidation(configuration.GetSection("TokenValidation")).AddAuthKit(o => o.UserInfoPath = "/custom/userinfo");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AuthKitOptions>>().Value;

        Assert.Equal(("https://auth.example.com", "oat_", "/custom/userinfo"), (options.Authority, options.TokenPrefix, options.UserInfoPath));
    }
}
