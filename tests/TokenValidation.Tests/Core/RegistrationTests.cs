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
