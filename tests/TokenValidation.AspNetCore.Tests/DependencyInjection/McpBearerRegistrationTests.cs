using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using TokenValidation.ApiKeys;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Caching;

namespace TokenValidation.AspNetCore.Tests.DependencyInjection;

/// <summary>
/// What <c>AddMcpBearer</c> and <c>ProtectDistributedCacheValues</c> bring with them, so an application needs no other
/// call: authorization services with the scope hierarchy, one scheme per name, Data Protection.
/// </summary>
public sealed class McpBearerRegistrationTests
{
    private static readonly ApiKey Admin = ApiKeyGenerator.Generate();

    [Fact]
    public async Task AddMcpBearer_alone_registers_what_RequireScopes_and_the_scope_hierarchy_need()
    {
        await using var app = await StartWithoutAddAuthorizationAsync();
        using var client = app.GetTestClient();

        using var anonymous = await client.GetAsync("/mcp");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.Authorization = new("Bearer", Admin.Key);
        using var admin = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task Schemes_added_under_two_names_are_both_registered()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(ApiKeySettings());
        var section = builder.Configuration.GetSection("TokenValidation");
        builder.Services.AddTokenValidation(section).AddApiKeys();
        builder.Services.AddAuthentication()
            .AddMcpBearer("First", section, null)
            .AddMcpBearer("Second", section, null);
        await using var app = builder.Build();
        await app.StartAsync();

        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        Assert.NotNull(await schemes.GetSchemeAsync("First"));
        Assert.NotNull(await schemes.GetSchemeAsync("Second"));
    }

    [Fact]
    public void ProtectDistributedCacheValues_brings_data_protection_without_AddAuthentication()
    {
        var services = new ServiceCollection();
        services.AddTokenValidation(new ConfigurationBuilder().Build()).ProtectDistributedCacheValues();
        using var provider = services.BuildServiceProvider();
        var protector = provider.GetRequiredService<ITokenCacheValueProtector>();
        var plaintext = Encoding.UTF8.GetBytes("{\"s\":\"user_01\"}");

        var protectedValue = protector.Protect("key", plaintext);

        Assert.NotEqual(plaintext, protectedValue);
        Assert.Equal(plaintext, protector.Unprotect("key", protectedValue));
    }

    // No AddAuthorization anywhere: AddMcpBearer must bring it, and the handler that applies ScopeHierarchy.
    private static async Task<WebApplication> StartWithoutAddAuthorizationAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        var settings = ApiKeySettings();
        settings["TokenValidation:ScopeHierarchy:0:Scope"] = "mcp:admin";
        settings["TokenValidation:ScopeHierarchy:0:Implies:0"] = "mcp:tools";
        builder.Configuration.AddInMemoryCollection(settings);
        var section = builder.Configuration.GetSection("TokenValidation");
        builder.Services.AddTokenValidation(section).AddApiKeys();
        builder.Services.AddAuthentication(McpBearerDefaults.AuthenticationScheme).AddMcpBearer(section);
        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/mcp", () => "ok").RequireScopes("mcp:tools");
        await app.StartAsync();
        return app;
    }

    private static Dictionary<string, string?> ApiKeySettings() => new()
    {
        ["TokenValidation:Resource"] = "https://mcp.example.com/mcp",
        ["TokenValidation:Scopes:0"] = "mcp:tools",
        ["TokenValidation:ApiKeys:Keys:0:Name"] = "admin-bot",
        ["TokenValidation:ApiKeys:Keys:0:Hash"] = Admin.Hash,
        ["TokenValidation:ApiKeys:Keys:0:Scopes:0"] = "mcp:admin",
    };
}
