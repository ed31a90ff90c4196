using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Garbage;

/// <summary>
/// CONTRACT §7 "garbage cannot hurt legitimate callers", on real Kestrel over loopback: one client (127.0.0.2) floods
/// the server with unique garbage tokens while another (127.0.0.1) keeps working.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class GarbageFloodTests
{
    private const int Burst = 20;
    private const int PerSecond = 2;
    private const int CachedIdentities = 1000;
    private const int FloodRequests = 3000;

    [Fact]
    public async Task A_flood_of_unique_garbage_from_one_client_is_answered_429_and_costs_everyone_else_nothing()
    {
        await using var authKit = await AuthKitStandIn.StartAsync();
        await using var app = await StartAsync(authKit.Authority);
        var validation = app.Services.GetRequiredService<ITokenValidationService>();

        // Identities already cached when the flood starts (validated in-process, so no client's limit is spent).
        var cached = Enumerable.Range(0, CachedIdentities).Select(_ => NewToken("mat_")).ToArray();
        foreach (var token in cached)
        {
            authKit.AddUser(token, "user_" + token[^8..]);
            Assert.True((await validation.ValidateAsync(token)).IsValid);
        }

        authKit.ResetCounts();
        using var attacker = Client(app.Origin, IPAddress.Parse("127.0.0.2"));
        using var legitimate = Client(app.Origin, IPAddress.Loopback);

        var clock = Stopwatch.StartNew();
        var floodStatuses = new ConcurrentDictionary<HttpStatusCode, int>();
        string? retryAfter = null;
        int sent = 0;
        var flood = Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref sent) <= FloodRequests)
            {
                // Both prefixes: issuer-checked garbage and API-key garbage (a local lookup).
                using var response = await attacker.SendAsync(Get(NewToken(Volatile.Read(ref sent) % 2 == 0 ? "mat_" : "wcd_")));
                floodStatuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    retryAfter ??= response.Headers.RetryAfter?.ToString();
                }
            }
        })));

        // Meanwhile the other client: its API key, a cached token and now and then a new token, all answered 200.
        var legitimateStatuses = new List<(string What, HttpStatusCode Status)>();
        int newTokens = 0;
        while (!flood.IsCompleted)
        {
            legitimateStatuses.Add(("api key", await StatusAsync(legitimate, McpTestApp.ApiKey.Key)));
            legitimateStatuses.Add(("cached token", await StatusAsync(legitimate, cached[legitimateStatuses.Count % CachedIdentities])));
            if (newTokens < Burst / 2 && legitimateStatuses.Count % 10 == 0)
            {
                string fresh = NewToken("mat_");
                authKit.AddUser(fresh, "user_new");
                newTokens++;
                legitimateStatuses.Add(("new token", await StatusAsync(legitimate, fresh)));
            }

            await Task.Delay(10);
        }

        await flood;
        clock.Stop();

        Assert.All(legitimateStatuses, s => Assert.True(s.Status == HttpStatusCode.OK, $"{s.What}: {s.Status}"));
        Assert.True(newTokens > 0);

        // The flood's userinfo calls: at most the burst and what the elapsed seconds refill (half of them are wcd_).
        int floodCalls = authKit.UserInfoCalls - newTokens;
        Assert.InRange(floodCalls, 0, Burst + (PerSecond * (int)Math.Ceiling(clock.Elapsed.TotalSeconds)));
        Assert.True(floodStatuses.GetValueOrDefault(HttpStatusCode.TooManyRequests) > FloodRequests / 2, string.Join(", ", floodStatuses));
        Assert.Equal(FloodRequests, floodStatuses.Values.Sum());
        Assert.All(floodStatuses.Keys, s => Assert.Contains(s, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.NotNull(retryAfter);
        Assert.InRange(int.Parse(retryAfter!, System.Globalization.CultureInfo.InvariantCulture), 1, 1);

        // Every cached identity is still cached: none of them goes to the issuer again.
        authKit.ResetCounts();
        foreach (var token in cached)
        {
            Assert.True((await validation.ValidateAsync(token)).IsValid);
        }

        Assert.Equal(0, authKit.UserInfoCalls);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string token)
    {
        using var response = await client.SendAsync(Get(token));
        return response.StatusCode;
    }

    private static HttpRequestMessage Get(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/authenticated");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static string NewToken(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    /// <summary>A client whose connections leave from <paramref name="local"/>: on Linux every 127.x address is loopback.</summary>
    private static HttpClient Client(string origin, IPAddress local) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 16,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri(origin),
    };

    private static async Task<KestrelApp> StartAsync(string authority)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GarbageFloodTests).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var settings = McpTestApp.DefaultSettings(authority);
        settings["TokenValidation:ClientMissesPerSecond"] = PerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["TokenValidation:ClientMissBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["TokenValidation:Cache:MaxInvalidEntries"] = "100";
        builder.Configuration.AddInMemoryCollection(settings);
        var section = builder.Configuration.GetSection("TokenValidation");
        builder.Services.AddTokenValidation(section).AddAuthKit().AddApiKeys();
        builder.Services.AddAuthentication(McpBearerDefaults.AuthenticationScheme).AddMcpBearer(McpBearerDefaults.AuthenticationScheme, section, null);
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/authenticated", (HttpContext context) => context.User.Identity?.Name ?? "ok").RequireAuthorization();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelApp(app, address);
    }

    private sealed class KestrelApp(WebApplication app, string origin) : IAsyncDisposable
    {
        public string Origin { get; } = origin;

        public IServiceProvider Services => app.Services;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
