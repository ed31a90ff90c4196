using McpServerSample;
using McpServerSample.Accounts;
using McpServerSample.Development;
using McpServerSample.Mcp;
using McpServerSample.Telemetry;
using McpServerSample.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using TokenValidation.AspNetCore;
using TokenValidation.StackExchangeRedis;

// `dotnet run -- new-api-key [name]` mints an API key, prints the configuration for its hash, and exits.
if (args is ["new-api-key", ..])
{
    return ApiKeyCommand.Run(args, Console.Out, Console.Error);
}

// `dotnet run -- --jwt`: the development stand-in mints JWT access tokens (as hosted AuthKit does) instead of mat_ ones.
bool devJwt = args.Contains("--jwt");
var builder = WebApplication.CreateBuilder([.. args.Where(a => a is not "--jwt" and not "--bridge")]);
var tokenValidation = builder.Configuration.GetSection("TokenValidation");

// `--bridge` (or Sample:Bridge=true): the app's own users (a password form over SQLite) reach MCP clients through
// AuthKit's Login URI, /login/mcp (Standalone Connect). In Development the stand-in plays AuthKit's half.
bool bridge = args.Contains("--bridge") || string.Equals(builder.Configuration["Sample:Bridge"], "true", StringComparison.OrdinalIgnoreCase);
builder.AddSampleTelemetry();

// An authorization server other than AuthKit, by configuration alone: its JWTs checked against its keys, its opaque
// tokens introspected, or both.
bool externalJwt = !string.IsNullOrEmpty(tokenValidation["Jwt:Issuer"]);
bool externalIntrospection = !string.IsNullOrEmpty(tokenValidation["Introspection:Issuer"]) || !string.IsNullOrEmpty(tokenValidation["Introspection:Endpoint"]);
bool authKit = !string.IsNullOrEmpty(tokenValidation["AuthKit:Authority"]);

// Development defaults: the resource is this server's own /mcp and, unless an authorization server is configured,
// tokens are checked against the AuthKit stand-in mapped on this same origin.
if (builder.Environment.IsDevelopment())
{
    string origin = DevelopmentOrigin.Resolve(builder);
    if (string.IsNullOrEmpty(tokenValidation["Resource"]))
    {
        builder.Configuration.AddInMemoryCollection([new("TokenValidation:Resource", origin + "/mcp")]);
    }

    if (!authKit && !externalJwt && !externalIntrospection)
    {
        bool jwt = devJwt || bridge || string.Equals(builder.Configuration["DevAuthKit:TokenFormat"], "jwt", StringComparison.OrdinalIgnoreCase);
        builder.AddDevAuthKit(origin, tokenValidation.GetSection("Scopes").Get<string[]>() ?? [], jwt ? tokenValidation["Resource"] : null, bridge ? origin + SampleAccounts.LoginUriPath : null);
    }
}

builder.Services.AddDbContext<SampleDbContext>(o => o.UseSqlite(builder.Configuration.GetConnectionString("Sample")));

// Which issuers are trusted is configuration alone: AuthKit (mat_ tokens through userinfo, AuthKit JWTs through its
// JWKS), any OAuth server's JWT access tokens (TokenValidation:Jwt:Issuer) or opaque tokens (TokenValidation:Introspection),
// and the server's own API keys. With nothing configured, AuthKit: its start-up check then asks for the authority.
var validation = builder.Services.AddTokenValidation(tokenValidation)
    .AddApiKeys()
    .AddUserMapper<SqliteUserMapper>();
if (!string.IsNullOrEmpty(tokenValidation["AuthKit:Authority"]) || (!externalJwt && !externalIntrospection))
{
    validation.AddAuthKit();
}

if (externalJwt)
{
    validation.AddJwt();
}

if (externalIntrospection)
{
    validation.AddIntrospection();
}

// Level 2: validations shared by every replica through Redis; an InvalidateAsync on one replica reaches every
// replica's memory through Redis pub/sub.
if (builder.Configuration["Redis:Configuration"] is { Length: > 0 } redis)
{
    builder.Services.AddStackExchangeRedisCache(o => o.Configuration = redis);
    validation.AddDistributedCache().AddRedisInvalidation(o => o.Configuration = redis);
}

builder.Services.AddAuthentication(McpBearerDefaults.AuthenticationScheme)
    .AddMcpBearer(tokenValidation);
if (bridge)
{
    builder.AddSampleAccounts(tokenValidation);
}

builder.Services.AddAuthorizationBuilder()
    .AddPolicy(SampleTools.ToolsScope, policy => policy.RequireScopes(SampleTools.ToolsScope));

// The official MCP server, stateless: any replica answers any request, no session affinity. Parameters the container
// can supply (the DbContext) are injected into the tools, not asked of the client.
builder.Services.AddMcpServer(o => o.ServerInfo = new Implementation { Name = "TokenValidation sample", Version = "1.0.0" })
    .WithHttpTransport(o => o.Stateless = true)
    .AddAuthorizationFilters()
    .WithTools<SampleTools>(SampleTools.SerializerOptions);

var app = builder.Build();

using (var scope = app.Services.CreateScope())
{
    scope.ServiceProvider.GetRequiredService<SampleDbContext>().Database.EnsureCreated();
}

if (app.Services.GetService<DevAuthKit>() is not null)
{
    app.UseDevAuthKit();
}

app.UseAuthentication();
app.UseAuthorization();

app.MapProtectedResourceMetadata();
app.MapAuthorizationServerMetadata();

// Authenticated, any scope; a tools/call for a tool whose [Authorize] needs a scope the token lacks is answered 403
// insufficient_scope before the tool runs, which MCP clients take as the cue to ask for the scope (step-up).
app.MapMcp("/mcp").RequireAuthorization().RequireToolScopes();
app.MapMcpStatelessMethods("/mcp").RequireAuthorization();
if (bridge)
{
    app.MapSampleAccounts();
}

// Browser-based MCP clients send a CORS preflight before their first POST: 204 with the headers they need.
app.MapMcpPreflight("/mcp");

app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app.Services, Console.Out));
await app.RunAsync();
return 0;
