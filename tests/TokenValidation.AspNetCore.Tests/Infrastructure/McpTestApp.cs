using Microsoft.AspNetCore.Authentication;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TokenValidation.ApiKeys;
using TokenValidation.AspNetCore;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A real ASP.NET Core application on TestServer, wired the way an MCP server author would: core validation bound from
/// the <c>TokenValidation</c> section, the McpBearer scheme, both metadata documents and a scope-protected <c>/mcp</c>.
/// </summary>
internal sealed class McpTestApp : IAsyncDisposable
{
    public const string Resource = "https://mcp.example.com/mcp";
    public const string RootMetadataUrl = "https://mcp.example.com/.well-known/oauth-protected-resource";
    public const string PathInsertedMetadataUrl = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";

    /// <summary>An API key whose hash is configured, with scope mcp:tools.</summary>
    public static readonly ApiKey ApiKey = ApiKeyGenerator.Generate();

    private McpTestApp(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>The records the app logged; only with <see cref="McpTestAppOptions.CaptureLogs"/>.</summary>
    public FakeLogCollector Logs => App.Services.GetFakeLogCollector();

    /// <summary>The configuration every test starts from; tests change or remove keys.</summary>
    public static Dictionary<string, string?> DefaultSettings(string authority) => new()
    {
        ["TokenValidation:Resource"] = Resource,
        ["TokenValidation:ResourceName"] = "Test MCP Server",
        ["TokenValidation:Scopes:0"] = "mcp:tools",
        ["TokenValidation:Scopes:1"] = "mcp:resources",
        ["TokenValidation:AuthKit:Authority"] = authority,
        ["TokenValidation:AuthKit:AllowHttp"] = "true",
        ["TokenValidation:ApiKeys:Keys:0:Name"] = "ci-bot",
        ["TokenValidation:ApiKeys:Keys:0:Hash"] = ApiKey.Hash,
        ["TokenValidation:ApiKeys:Keys:0:Scopes:0"] = "mcp:tools",
    };

    public static WebApplication Build(McpTestAppOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = options.Environment,
            ApplicationName = typeof(McpTestApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(options.Settings);
        builder.Logging.ClearProviders();
        if (options.CaptureLogs)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging();
        }

        var section = builder.Configuration.GetSection("TokenValidation");
        var tokenValidation = builder.Services.AddTokenValidation(section).AddAuthKit().AddApiKeys();
        options.TokenValidation?.Invoke(tokenValidation);
        builder.Services.AddAuthentication(McpBearerDefaults.AuthenticationScheme)
            .AddMcpBearer(McpBearerDefaults.AuthenticationScheme, section, options.Bearer);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("resources", policy => policy.RequireScopes("mcp:resources"))
            .AddPolicy("admin", policy => policy.RequireClaim("role", "admin"));
        options.Services?.Invoke(builder);

        var app = builder.Build();
        options.BeforeRouting?.Invoke(app);
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapProtectedResourceMetadata();
        app.MapAuthorizationServerMetadata();
        app.MapMethods("/mcp", [HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete], EchoAsync).RequireScopes("mcp:tools");
        app.MapGet("/authenticated", EchoAsync).RequireAuthorization();
        app.MapGet("/resources", EchoAsync).RequireAuthorization("resources");
        app.MapGet("/admin", EchoAsync).RequireAuthorization("admin");
        app.MapGet("/anonymous", context => context.Response.WriteAsync("anonymous"));

        // An endpoint that decides scopes itself (as one /mcp endpoint does per tool) and names them at forbid time.
        app.MapGet("/forbid-with-scopes", context =>
        {
            var properties = new AuthenticationProperties();
            properties.SetParameter(McpBearerDefaults.RequiredScopesParameter, new[] { "notes:write" });
            return context.ForbidAsync(McpBearerDefaults.AuthenticationScheme, properties);
        }).RequireAuthorization();
        return app;
    }

    public static async Task<McpTestApp> StartAsync(McpTestAppOptions options)
    {
        var app = Build(options);
        await app.StartAsync();
        return new McpTestApp(app);
    }

    /// <summary>A request with <c>Authorization: Bearer token</c>.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token = null) => Client.SendAsync(Request(HttpMethod.Get, path, token));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>Writes the caller's claims one per line, <c>type=value</c>, then <c>scheme=…</c> and <c>host=…</c> as the app saw them.</summary>
    private static Task EchoAsync(HttpContext context)
    {
        var text = new StringBuilder();
        foreach (var claim in context.User.Claims)
        {
            text.Append(claim.Type).Append('=').Append(claim.Value).Append('\n');
        }

        text.Append("request.scheme=").Append(context.Request.Scheme).Append('\n');
        text.Append("request.host=").Append(context.Request.Host.Value).Append('\n');
        return context.Response.WriteAsync(text.ToString());
    }
}
