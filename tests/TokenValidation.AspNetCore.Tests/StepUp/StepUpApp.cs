using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TokenValidation.AspNetCore.Tests.Infrastructure;

namespace TokenValidation.AspNetCore.Tests.StepUp;

/// <summary>
/// An MCP server on the official SDK as its README tells an author to write it: the McpBearer scheme, a stateless
/// <c>MapMcp("/mcp").RequireAuthorization().RequireToolScopes()</c>, tools with <c>[Authorize]</c> policies, and
/// <c>mcp:admin</c> declared to imply <c>mcp:tools</c>.
/// </summary>
internal sealed class StepUpApp : IAsyncDisposable
{
    private StepUpApp(WebApplication app) => App = app;

    public WebApplication App { get; }

    public ToolRuns Runs => App.Services.GetRequiredService<ToolRuns>();

    public static async Task<StepUpApp> StartAsync(string authority, bool requireToolScopes = true, bool requireAuthorization = true)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var settings = McpTestApp.DefaultSettings(authority);
        settings["TokenValidation:ScopeHierarchy:0:Scope"] = "mcp:admin";
        settings["TokenValidation:ScopeHierarchy:0:Implies:0"] = "mcp:tools";
        builder.Configuration.AddInMemoryCollection(settings);

        var section = builder.Configuration.GetSection("TokenValidation");
        builder.Services.AddTokenValidation(section).AddAuthKit().AddApiKeys();
        builder.Services.AddAuthentication(McpBearerDefaults.AuthenticationScheme).AddMcpBearer(section);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(StepUpTools.ToolsPolicy, p => p.RequireScopes("mcp:tools"))
            .AddPolicy(StepUpTools.PublishPolicy, p => p.RequireScopes("mcp:tools", "notes:write"))
            .AddPolicy(StepUpTools.RolePolicy, p => p.RequireClaim("role", "admin"));
        builder.Services.AddSingleton<ToolRuns>();
        builder.Services.AddMcpServer()
            .WithHttpTransport(o => o.Stateless = true)
            .AddAuthorizationFilters()
            .WithTools<StepUpTools>();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapProtectedResourceMetadata();
        var mcp = app.MapMcp("/mcp");
        if (requireAuthorization)
        {
            mcp.RequireAuthorization();
        }

        if (requireToolScopes)
        {
            mcp.RequireToolScopes();
        }

        await app.StartAsync();
        return new StepUpApp(app);
    }

    public HttpMessageHandler CreateHandler() => App.GetTestServer().CreateHandler();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
