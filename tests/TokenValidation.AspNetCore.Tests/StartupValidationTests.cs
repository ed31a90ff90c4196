using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Caching;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests;

/// <summary>Bad configuration stops a WebApplication at start-up with a message naming the key.</summary>
public sealed class StartupValidationTests : IClassFixture<AuthKitFixture>
{
    private const string HttpsAuthority = "https://example.authkit.app";
    private readonly AuthKitStandIn _authKit;

    public StartupValidationTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task Missing_authority_names_the_key()
    {
        var options = new McpTestAppOptions(HttpsAuthority);
        options.Settings.Remove("TokenValidation:AuthKit:Authority");

        var messages = await StartupFailureAsync(options);

        Assert.Contains(messages, m => m.Contains("TokenValidation:AuthKit:Authority is required.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_resource_names_the_key()
    {
        var options = new McpTestAppOptions(HttpsAuthority);
        options.Settings.Remove("TokenValidation:Resource");

        var messages = await StartupFailureAsync(options);

        Assert.Contains(messages, m => m.Contains("TokenValidation:Resource is required.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/mcp", "TokenValidation:Resource must be an absolute URL")]
    [InlineData("mcp.example.com/mcp", "TokenValidation:Resource must be an absolute URL")]
    [InlineData("https://mcp.example.com/mcp\n", "TokenValidation:Resource has leading or trailing whitespace")]
    [InlineData("https://mcp.example.com/mcp  ", "TokenValidation:Resource has leading or trailing whitespace")]
    [InlineData("http://mcp.example.com/mcp", "TokenValidation:Resource must use https outside Development")]
    [InlineData("https://mcp.example.com/mcp/", "TokenValidation:Resource must not end with '/'")]
    [InlineData("https://mcp.example.com/", "TokenValidation:Resource must not end with '/'")]
    [InlineData("https://MCP.example.com/mcp", "TokenValidation:Resource must have a lowercase scheme and host")]
    [InlineData("https://mcp.example.com/mcp#frag", "TokenValidation:Resource must not have a query or fragment")]
    public async Task Bad_resource_names_the_key(string resource, string expected)
    {
        var options = new McpTestAppOptions(HttpsAuthority);
        options.Settings["TokenValidation:Resource"] = resource;

        var messages = await StartupFailureAsync(options);

        Assert.Contains(messages, m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/authkit", "TokenValidation:AuthKit:Authority must be an absolute URL")]
    [InlineData("https://example.authkit.app\n", "TokenValidation:AuthKit:Authority has leading or trailing whitespace")]
    [InlineData("http://example.authkit.app", "TokenValidation:AuthKit:Authority must use https outside Development")]
    public async Task Bad_authority_names_the_key(string authority, string expected)
    {
        var options = new McpTestAppOptions(authority);
        options.Settings.Remove("TokenValidation:AuthKit:AllowHttp");

        var messages = await StartupFailureAsync(options);

        Assert.Contains(messages, m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Other_bad_keys_are_named()
    {
        var options = new McpTestAppOptions(HttpsAuthority);
        options.Settings["TokenValidation:Scopes:1"] = "mcp tools";
        options.Settings["TokenValidation:AllowedOrigin"] = "https://app.example.com/path";
        options.Settings["TokenValidation:ResourceDocumentation"] = "docs";

        var messages = await StartupFailureAsync(options);

        Assert.Contains(messages, m => m.Contains("TokenValidation:Scopes:1 must be a scope token", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("TokenValidation:AllowedOrigin must be '*' or an origin", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("TokenValidation:ResourceDocumentation must be an absolute URL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Development_allows_http_for_the_resource_and_the_authority()
    {
        var options = new McpTestAppOptions(_authKit.Authority) { Environment = "Development" };
        options.Settings.Remove("TokenValidation:AuthKit:AllowHttp");
        options.Settings["TokenValidation:Resource"] = "http://localhost:5000/mcp";
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_dev", extra: new { scope = "mcp:tools" });

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Scheme_without_token_validation_says_what_to_call()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new McpTestAppOptions(HttpsAuthority).Settings);
        builder.Services.AddAuthentication().AddMcpBearer(builder.Configuration.GetSection("TokenValidation"));
        await using var app = builder.Build();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains(Messages(failure), m => m.Contains("services.AddTokenValidation(", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Calling_AddMcpBearer_twice_registers_the_scheme_once_with_its_scopes_once()
    {
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            Services = builder => builder.Services.AddAuthentication()
                .AddMcpBearer(McpBearerDefaults.AuthenticationScheme, builder.Configuration.GetSection("TokenValidation"), o => o.ResourceName = "Second call"),
        };
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_twice", extra: new { scope = "mcp:tools" });

        using var missing = await app.GetAsync("/mcp");
        using var authorized = await app.GetAsync("/mcp", token);

        var bearer = app.Services.GetRequiredService<IOptionsMonitor<McpBearerOptions>>().Get(McpBearerDefaults.AuthenticationScheme);
        Assert.Equal(["mcp:tools", "mcp:resources"], bearer.Scopes);
        Assert.Equal("Second call", bearer.ResourceName);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, authorized.StatusCode);
    }

    [Fact]
    public async Task Calling_AddUserMapper_twice_maps_a_fill_once()
    {
        var calls = new UserMapping.MapperCalls();
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            TokenValidation = tv => tv.AddUserMapper<UserMapping.CountingUserMapper>().AddUserMapper<UserMapping.CountingUserMapper>(),
            Services = builder => builder.Services.AddSingleton(calls),
        };
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_mapped", extra: new { scope = "mcp:tools" });

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task Cache_instance_name_defaults_to_the_resource()
    {
        await using var app = await McpTestApp.StartAsync(new McpTestAppOptions(HttpsAuthority));

        Assert.Equal(McpTestApp.Resource, app.Services.GetRequiredService<IOptions<TokenCacheOptions>>().Value.InstanceName);
    }

    [Fact]
    public async Task Configured_cache_instance_name_is_kept()
    {
        var options = new McpTestAppOptions(HttpsAuthority);
        options.Settings["TokenValidation:Cache:InstanceName"] = "shared";
        await using var app = await McpTestApp.StartAsync(options);

        Assert.Equal("shared", app.Services.GetRequiredService<IOptions<TokenCacheOptions>>().Value.InstanceName);
    }

    private static async Task<IReadOnlyList<string>> StartupFailureAsync(McpTestAppOptions options)
    {
        await using var app = McpTestApp.Build(options);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        var validation = failure is AggregateException aggregate ? aggregate.InnerExceptions : [failure];
        Assert.All(validation, e => Assert.IsType<OptionsValidationException>(e));
        return Messages(failure);
    }

    private static List<string> Messages(Exception failure) => failure is AggregateException aggregate
        ? [.. aggregate.InnerExceptions.SelectMany(Messages)]
        : failure is OptionsValidationException validation ? [.. validation.Failures] : [failure.Message];
}
