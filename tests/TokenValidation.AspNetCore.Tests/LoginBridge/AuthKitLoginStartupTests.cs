using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.LoginBridge;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>Start-up checks of <c>TokenValidation:AuthKitLogin</c>: each names its key; none echoes the API key.</summary>
public sealed class AuthKitLoginStartupTests
{
    public static TheoryData<string?, string?, string?, string?, string> Misconfigurations => new()
    {
        { null, "https://tenant.authkit.app", null, null, "TokenValidation:AuthKitLogin:ApiKey is required" },
        { "sk_test_SECRET\n", "https://tenant.authkit.app", null, null, "TokenValidation:AuthKitLogin:ApiKey has whitespace" },
        { "sk_test_SECRET", null, null, null, "TokenValidation:AuthKitLogin:Authority is required" },
        { "sk_test_SECRET", "http://tenant.authkit.app", null, null, "TokenValidation:AuthKitLogin:Authority must use https" },
        { "sk_test_SECRET", "https://tenant.authkit.app", "http://api.workos.com", null, "TokenValidation:AuthKitLogin:ApiBaseUrl must use https" },
        { "sk_test_SECRET", "https://tenant.authkit.app", null, "McpBearer", "TokenValidation:AuthKitLogin:SignInScheme must be the scheme" },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public void BadSetting_FailsAtStart_NamingTheKey_WithoutTheApiKey(string? apiKey, string? authority, string? apiBaseUrl, string? scheme, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKitLogin:ApiKey"] = apiKey,
            ["TokenValidation:AuthKit:Authority"] = authority,
            ["TokenValidation:AuthKitLogin:ApiBaseUrl"] = apiBaseUrl,
            ["TokenValidation:AuthKitLogin:SignInScheme"] = scheme,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IHostEnvironment>(new Environment("Production"));
        services.AddAuthKitLogin(configuration.GetSection("TokenValidation"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Authority_DefaultsToTheAuthKitAuthority_AndHttpIsAcceptedInDevelopment()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKitLogin:ApiKey"] = "sk_test_x",
            ["TokenValidation:AuthKitLogin:ApiBaseUrl"] = "http://127.0.0.1:5080/dev-authkit",
            ["TokenValidation:AuthKit:Authority"] = "http://127.0.0.1:5080/dev-authkit",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IHostEnvironment>(new Environment("Development"));
        services.AddAuthKitLogin(configuration.GetSection("TokenValidation"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value;

        Assert.Equal("http://127.0.0.1:5080/dev-authkit", options.Authority);
        Assert.Equal("Cookies", options.SignInScheme);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Example App";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
