// A minimal Kestrel host for benchmarks/e2e.sh: the same handler served by two web applications in one process and
// build, each on its own loopback port:
//   auth  GET /hello  with bearer authentication (the token is validated once through the AuthKit stand-in, then every
//                     request is an L1 hit)
//   anon  GET /hello  the same handler in an application with no authentication at all (the "authentication off"
//                     baseline), and GET /stats (userinfo calls made so far)
// Usage: dotnet TokenValidation.LoadHost.dll [--mode mcpbearer|scheme|middleware|peers|mcp|standin] [--auth-port 0]
//          [--anon-port 0] [--jwt-port 0] [--authkit <authority>] [--redis <host:port>] [--lifetime <seconds>]
//          [--l2-timeout <ms>] [--users N] [--stats-port 0]
// Ports default to 0 (any free port); the bound addresses are printed as "LISTENING auth=… anon=… mode=…".
// --mode mcpbearer (default): the product, as its README wires it: AddAuthentication(McpBearer).AddMcpBearer(...),
//   UseAuthentication + UseAuthorization, and the endpoint requiring the scope mcp:tools (RequireScopes).
// --mode scheme: the same wiring with a bare AuthenticationHandler over ITokenValidationService (read the header,
//   validate, a small ClaimsPrincipal): what any scheme pays, to tell framework cost from the product's handler.
// --mode middleware: the core alone, in a tiny middleware (read the header, validate, 401 or next).
// --mode peers: mcpbearer, plus a third application on its own port with what users run instead: JwtBearer with an
//   in-memory RS256 key, the same endpoint and the same scope requirement; its JWT is printed as jwttoken=….
// --mode mcp: mcpbearer, and both applications also serve the official MCP server (stateless Streamable HTTP, one
//   trivial tool "hello") at POST /mcp: auth with MapMcp("/mcp").RequireScopes("mcp:tools"), anon with no authentication.
// --mode standin: no load host, only a counting AuthKit stand-in (benchmarks/fleet.sh) with --users tokens
//   (FleetToken(i)), printed as "LISTENING authority=… stats=…"; GET stats/stats gives the totals, GET stats/counts one
//   line per token "index calls fill-duplicates refresh-duplicates": the calls that came less than 2 s after that
//   token's previous one (two hosts asking at once, not the refresh cadence), the token's second call (its first fill
//   made twice) apart from later ones (a refresh made twice).
// Fleet options (mcpbearer): --authkit uses that authority instead of an in-process stand-in (and turns the per-client
//   miss limit off: every wrk connection comes from 127.0.0.1); --redis adds level 2 (AddStackExchangeRedisCache +
//   AddDistributedCache + AddRedisInvalidation, as the sample wires it); --lifetime sets Cache:Lifetime (seconds),
//   --l2-timeout Cache:DistributedCacheTimeout (milliseconds; default the product's 250).
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation;
using TokenValidation.AspNetCore;
using TokenValidation.Benchmarks.Shared;
using TokenValidation.LoadHost;
using TokenValidation.Parsing;
using TokenValidation.StackExchangeRedis;
using TokenValidation.Testing;

const string Token = "mat_01JD8Y2W6Q3K7R9T4V5X8Z0A1B2C3D4E5F6G7H8J9K0M";
const string SchemeName = "Bench";

string mode = "mcpbearer";
int authPort = 0, anonPort = 0, jwtPort = 0, statsPort = 0, users = 1000;
string? authKit = null, redis = null;
TimeSpan? lifetime = null, l2Timeout = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--mode":
            mode = args[i + 1];
            break;
        case "--auth-port":
            authPort = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--anon-port":
            anonPort = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--jwt-port":
            jwtPort = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--stats-port":
            statsPort = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--users":
            users = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--authkit":
            authKit = args[i + 1];
            break;
        case "--redis":
            redis = args[i + 1];
            break;
        case "--l2-timeout":
            l2Timeout = TimeSpan.FromMilliseconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture));
            break;
        case "--lifetime":
            lifetime = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine($"Unknown argument {args[i]}");
            return 2;
    }
}

if (mode is not ("mcpbearer" or "scheme" or "middleware" or "peers" or "mcp" or "standin"))
{
    Console.Error.WriteLine("--mode must be mcpbearer, scheme, middleware, peers, mcp or standin");
    return 2;
}

if (mode == "standin")
{
    return await RunStandInAsync(users, statsPort);
}

// The in-process stand-in, unless the fleet points every host at a shared one.
await using var standIn = authKit is null ? await AuthKitStandIn.StartAsync() : null;
standIn?.AddUser(Token, "user_01JD8Y2W6Q3K7R9T4V5X8Z0A1B", "ada.lovelace@example.com", "Ada Lovelace", UserExtra("01JD8Y2W6Q3K7R9T4V5X8Z0A1B"));
string authority = authKit ?? standIn!.Authority;

// A small JSON-RPC answer, the same bytes from both applications.
byte[] body = """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hello"}],"isError":false}}"""u8.ToArray();
RequestDelegate hello = context =>
{
    context.Response.ContentType = "application/json";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
};

// Authentication on.
var authBuilder = CreateBuilder(authPort);
var validation = authBuilder.Services.AddTokenValidation(o =>
    {
        // A fleet run sends every token from 127.0.0.1: the per-client miss limit would answer its first fill 429.
        if (authKit is not null)
        {
            o.ClientMissesPerSecond = 0;
        }
    })
    .AddAuthKit(o =>
    {
        o.Authority = authority;
        o.AllowHttp = true;
    })
    .AddApiKeys();
if (lifetime is { } cacheLifetime)
{
    validation.ConfigureCache(o => o.Lifetime = cacheLifetime);
}

if (redis is not null)
{
    authBuilder.Services.AddStackExchangeRedisCache(o => o.Configuration = redis);
    validation.AddDistributedCache(o => o.DistributedCacheTimeout = l2Timeout ?? o.DistributedCacheTimeout)
        .AddRedisInvalidation(o => o.Configuration = redis);
}

bool mcpBearer = mode is "mcpbearer" or "peers" or "mcp";
if (mcpBearer)
{
    authBuilder.Services.AddAuthentication(McpBearerDefaults.AuthenticationScheme).AddMcpBearer(o =>
    {
        o.Resource = "https://mcp.example.com/mcp";
        o.Scopes = ["mcp:tools"];
    });
}
else if (mode == "scheme")
{
    authBuilder.Services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, BareBearerHandler>(SchemeName, null);
    authBuilder.Services.AddAuthorization();
}

if (mode == "mcp")
{
    AddHelloMcpServer(authBuilder.Services);
}

var auth = authBuilder.Build();
if (mcpBearer)
{
    auth.UseAuthentication();
    auth.UseAuthorization();
    auth.MapGet("/hello", hello).RequireScopes("mcp:tools");
    if (mode == "mcp")
    {
        auth.MapMcp("/mcp").RequireScopes("mcp:tools");
    }
}
else if (mode == "scheme")
{
    auth.UseAuthentication();
    auth.UseAuthorization();
    auth.MapGet("/hello", hello).RequireAuthorization();
}
else
{
    var service = auth.Services.GetRequiredService<ITokenValidationService>();
    auth.Use(async (context, next) =>
    {
        var read = BearerTokenReader.Read(context.Request.Headers.Authorization);
        if (read.Status == BearerTokenStatus.Found && (await service.ValidateAsync(read.Token!, context.RequestAborted)).IsValid)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
    });
    auth.MapGet("/hello", hello);
}

// Authentication off: no authentication services or middleware at all.
var anonBuilder = CreateBuilder(anonPort);
if (mode == "mcp")
{
    AddHelloMcpServer(anonBuilder.Services);
}

var anon = anonBuilder.Build();
anon.MapGet("/hello", hello);
if (mode == "mcp")
{
    anon.MapMcp("/mcp");
}

// -1: the calls are counted by the shared stand-in (fleet), not here.
anon.MapGet("/stats", () => Results.Text(
    $"{{\"mode\":\"{mode}\",\"userInfoCalls\":{standIn?.UserInfoCalls ?? -1}}}", "application/json"));

// The peer users run instead (mode peers): JwtBearer, RS256 key in memory, the same endpoint and scope requirement.
WebApplication? jwt = null;
string jwtToken = "";
if (mode == "peers")
{
    using var rsa = RSA.Create(2048);
    var signing = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: true)) { KeyId = "load-1" };
    var verifying = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)) { KeyId = "load-1" };
    const string Issuer = "https://issuer.example.com", Audience = "https://mcp.example.com/mcp";
    jwtToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Expires = DateTime.UtcNow.AddDays(1),
        Claims = new Dictionary<string, object>
        {
            ["sub"] = "user_01JD8Y2W6Q3K7R9T4V5X8Z0A1B",
            ["email"] = "ada.lovelace@example.com",
            ["name"] = "Ada Lovelace",
            ["org_id"] = "org_01JD8Y2W6Q3K7R9T4V5X8Z0A1B",
            ["sid"] = "session_01JD8Y2W6Q3K7R9T4V5X8Z0A1B",
            ["scope"] = "openid profile email mcp:tools",
        },
        SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.RsaSha256),
    });

    var jwtBuilder = CreateBuilder(jwtPort);
    jwtBuilder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
    {
        o.MapInboundClaims = false;
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = verifying,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        };
    });
    jwtBuilder.Services.AddAuthorization(o => o.AddPolicy("mcp:tools", p => p.RequireAuthenticatedUser()
        .RequireAssertion(c => c.User.FindFirst("scope")?.Value.Split(' ').Contains("mcp:tools") == true)));
    jwt = jwtBuilder.Build();
    jwt.UseAuthentication();
    jwt.UseAuthorization();
    jwt.MapGet("/hello", hello).RequireAuthorization("mcp:tools");
}

if (redis is not null)
{
    // Connect to Redis before reporting ready: a first connection can outlast the 250 ms level-2 timeout, and the
    // fleet's first validations would then miss level 2 for that reason alone.
    await auth.Services.GetRequiredService<IDistributedCache>().GetAsync("loadhost:warm-up");
}

await auth.StartAsync();
await anon.StartAsync();
if (jwt is not null)
{
    await jwt.StartAsync();
}

Console.WriteLine($"LISTENING auth={Address(auth)} anon={Address(anon)} mode={mode}"
    + (jwt is null ? "" : $" jwt={Address(jwt)} jwttoken={jwtToken}"));

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
await Task.WhenAny(auth.WaitForShutdownAsync(stop.Token), anon.WaitForShutdownAsync(stop.Token));
await auth.StopAsync();
await anon.StopAsync();
if (jwt is not null)
{
    await jwt.StopAsync();
}

return 0;

// The fleet's deterministic tokens; benchmarks/fleet.lua builds the same strings.
static string FleetToken(int index) => string.Create(CultureInfo.InvariantCulture, $"mat_fleet_{index:D4}_01JD8Y2W6Q3K7R9T4V5X8Z0A1B");

// What AuthKit's userinfo answers besides sub, email and name; the scope is what the endpoints require.
static object UserExtra(string id) => new
{
    org_id = "org_" + id,
    sid = "session_" + id,
    scope = "openid profile email mcp:tools",
};

// The official MCP server as the sample wires it (stateless: every POST stands alone), serving the trivial tool.
static void AddHelloMcpServer(IServiceCollection services) =>
    services.AddMcpServer().WithHttpTransport(o => o.Stateless = true).WithTools<HelloTool>();

// Mode standin: one counting AuthKit stand-in for a fleet of load hosts, and its counts over HTTP.
static async Task<int> RunStandInAsync(int users, int statsPort)
{
    await using var standIn = await AuthKitStandIn.StartAsync();
    var index = new Dictionary<string, int>(users, StringComparer.Ordinal);
    var calls = new int[users];
    var fillDuplicates = new int[users];
    var refreshDuplicates = new int[users];
    var last = new long[users];
    long closeTicks = 2 * Stopwatch.Frequency;
    for (int i = 0; i < users; i++)
    {
        string token = FleetToken(i);
        index[token] = i;
        standIn.AddUser(token, string.Create(CultureInfo.InvariantCulture, $"user_fleet_{i:D4}"), null, null, UserExtra(string.Create(CultureInfo.InvariantCulture, $"fleet_{i:D4}")));
    }

    standIn.Behavior = context =>
    {
        var read = BearerTokenReader.Read(context.Request.Headers.Authorization);
        if (read.Status == BearerTokenStatus.Found && index.TryGetValue(read.Token!, out int i))
        {
            int call = Interlocked.Increment(ref calls[i]);
            long now = Stopwatch.GetTimestamp();
            long previous = Interlocked.Exchange(ref last[i], now);
            if (previous != 0 && now - previous < closeTicks)
            {
                Interlocked.Increment(ref call == 2 ? ref fillDuplicates[i] : ref refreshDuplicates[i]);
            }
        }

        return standIn.DefaultUserInfoAsync(context);
    };

    var stats = CreateBuilder(statsPort).Build();
    stats.MapGet("/stats", () => Results.Text(
        $"{{\"users\":{users},\"userInfoCalls\":{standIn.UserInfoCalls},\"metadataCalls\":{standIn.MetadataCalls},\"maxConcurrentUserInfoCalls\":{standIn.MaxConcurrentUserInfoCalls}}}",
        "application/json"));
    stats.MapGet("/counts", () => Results.Text(
        string.Join('\n', Enumerable.Range(0, users).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i} {Volatile.Read(ref calls[i])} {Volatile.Read(ref fillDuplicates[i])} {Volatile.Read(ref refreshDuplicates[i])}"))) + "\n", "text/plain"));
    await stats.StartAsync();
    Console.WriteLine($"LISTENING authority={standIn.Authority} stats={Address(stats)} mode=standin users={users}");

    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
    await stats.WaitForShutdownAsync(stop.Token);
    await stats.StopAsync();
    return 0;
}

static WebApplicationBuilder CreateBuilder(int port)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
    builder.Logging.ClearProviders();
    builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
    return builder;
}

// With port 0 Kestrel picks a free port: report the one it bound.
static string Address(WebApplication app) =>
    app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
