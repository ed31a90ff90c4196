using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.LoginBridge;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.AspNetCore.Tests.UserMapping;
using TokenValidation.Caching;

namespace TokenValidation.AspNetCore.Tests.DependencyInjection;

/// <summary>
/// What <c>AddMcpBearer</c>, <c>AddAuthKitLogin</c> and the builder extensions register (CONTRACT §8): the key names in
/// start-up errors, the resource stated once, http issuers in Development only, and their argument checks.
/// </summary>
public sealed class ServiceRegistrationTests
{
    private const string HttpsAuthority = "https://example.authkit.app";

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public async Task Jwt_and_introspection_issuers_may_use_http_in_development_only(string environment, bool starts)
    {
        var options = new McpTestAppOptions(HttpsAuthority) { Environment = environment, TokenValidation = tv => tv.AddJwt().AddIntrospection() };
        options.Settings["TokenValidation:Resource"] = "https://mcp.example.com/mcp";
        options.Settings["TokenValidation:Jwt:Issuer"] = "http://127.0.0.1:9/jwt";
        options.Settings["TokenValidation:Introspection:Issuer"] = "http://127.0.0.1:9/introspection";
        options.Settings["TokenValidation:Introspection:ClientId"] = "resource-server";
        options.Settings["TokenValidation:Introspection:ClientSecret"] = "s3cret";
        await using var app = McpTestApp.Build(options);

        if (starts)
        {
            await app.StartAsync();
            await app.StopAsync();
            return;
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        var text = failure.ToString();
        Assert.Contains("TokenValidation:Jwt:Issuer must use https outside Development", text, StringComparison.Ordinal);
        Assert.Contains("TokenValidation:Introspection:Issuer must use https outside Development", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_bound_from_another_section_are_named_by_that_sections_keys()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Authority"] = HttpsAuthority,
            ["Mcp:Resource"] = "https://mcp.example.com/mcp/",
        });
        builder.Services.AddTokenValidation(builder.Configuration.GetSection("TokenValidation")).AddAuthKit();
        builder.Services.AddAuthentication().AddMcpBearer(builder.Configuration.GetSection("Mcp"));
        await using var app = builder.Build();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains("Mcp:Resource must not end with '/'", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resource_set_in_code_is_the_cores_resource_and_cache_instance_name_too()
    {
        var options = new McpTestAppOptions(HttpsAuthority) { Bearer = o => o.Resource = "https://code.example.com/mcp" };
        options.Settings.Remove("TokenValidation:Resource");
        await using var app = await McpTestApp.StartAsync(options);

        Assert.Equal("https://code.example.com/mcp", app.Services.GetRequiredService<IOptions<TokenValidationOptions>>().Value.Resource);
        Assert.Equal("https://code.example.com/mcp", app.Services.GetRequiredService<IOptions<TokenCacheOptions>>().Value.InstanceName);
    }

    [Fact]
    public async Task A_resource_the_core_has_of_its_own_is_kept()
    {
        var options = new McpTestAppOptions(HttpsAuthority) { Bearer = o => o.Resource = "https://code.example.com/mcp" };
        await using var app = await McpTestApp.StartAsync(options);

        Assert.Equal(McpTestApp.Resource, app.Services.GetRequiredService<IOptions<TokenValidationOptions>>().Value.Resource);
        Assert.Equal("https://code.example.com/mcp", app.Services.GetRequiredService<IOptionsMonitor<McpBearerOptions>>().Get(McpBearerDefaults.AuthenticationScheme).Resource);
    }

    [Fact]
    public void The_registration_methods_check_their_arguments()
    {
        var services = new ServiceCollection();
        var authentication = services.AddAuthentication();
        var configuration = new ConfigurationBuilder().Build();
        var tokenValidation = services.AddTokenValidation(configuration);

        Assert.Equal("configuration", Assert.Throws<ArgumentNullException>(() => authentication.AddMcpBearer((IConfiguration)null!)).ParamName);
        Assert.Equal("configureOptions", Assert.Throws<ArgumentNullException>(() => authentication.AddMcpBearer((Action<McpBearerOptions>)null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((AuthenticationBuilder)null!).AddMcpBearer("McpBearer", configuration, null)).ParamName);
        Assert.Equal("authenticationScheme", Assert.Throws<ArgumentException>(() => authentication.AddMcpBearer("", configuration, null)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((TokenValidationBuilder)null!).AddUserMapper<CountingUserMapper>()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((TokenValidationBuilder)null!).ProtectDistributedCacheValues()).ParamName);
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddAuthKitLogin(configuration)).ParamName);
        Assert.Equal("configuration", Assert.Throws<ArgumentNullException>(() => services.AddAuthKitLogin(null!)).ParamName);
        Assert.NotNull(tokenValidation);
    }

    [Fact]
    public void The_login_bridge_takes_the_hosts_name_its_own_section_and_code_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:AuthKitLogin:ApiKey"] = "sk_test_x",
            ["Auth:AuthKitLogin:Timeout"] = "00:00:00",
            ["Auth:AuthKit:Authority"] = HttpsAuthority,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IHostEnvironment>(new HostEnvironment("Production", "Example App"));
        services.AddAuthKitLogin(configuration.GetSection("Auth"), o => o.SignInScheme = "AppCookies");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value);
        Assert.Contains("Auth:AuthKitLogin:Timeout must be more than 0", error.Message, StringComparison.Ordinal);

        var fixedServices = new ServiceCollection().AddLogging().AddSingleton<IHostEnvironment>(new HostEnvironment("Production", "Example App"));
        fixedServices.AddAuthKitLogin(configuration.GetSection("Auth"), o =>
        {
            o.SignInScheme = "AppCookies";
            o.Timeout = TimeSpan.FromSeconds(3);
        });
        using var fixedProvider = fixedServices.BuildServiceProvider();
        var options = fixedProvider.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value;

        Assert.Equal(HttpsAuthority, options.Authority);
        Assert.Equal("Example App", options.ApplicationName);
        Assert.Equal("AppCookies", options.SignInScheme);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.False(options.AllowHttp);
    }

    [Fact]
    public void A_configured_application_name_and_authority_win_over_the_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKitLogin:ApiKey"] = "sk_test_x",
            ["TokenValidation:AuthKitLogin:Authority"] = "https://login.example.com",
            ["TokenValidation:AuthKitLogin:ApplicationName"] = "Notes",
            ["TokenValidation:AuthKit:Authority"] = HttpsAuthority,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IHostEnvironment>(new HostEnvironment("Development", "Example App"));
        services.AddAuthKitLogin(configuration.GetSection("TokenValidation"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value;

        Assert.Equal("https://login.example.com", options.Authority);
        Assert.Equal("Notes", options.ApplicationName);
        Assert.True(options.AllowHttp);
    }

    private sealed class HostEnvironment(string name, string application) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = application;

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
