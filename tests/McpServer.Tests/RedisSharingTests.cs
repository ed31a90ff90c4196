using System.Text.Json;
using ModelContextProtocol.Client;
using TokenValidation.Testing;

namespace McpServerSample.Tests;

/// <summary>
/// Two replicas of the sample behind one resource URL, one real Redis and one external AuthKit (the stand-in of the
/// test helpers, which counts its calls): a token validated by one replica is a cache hit on the other.
/// </summary>
public sealed class RedisSharingTests : IAsyncLifetime
{
    private const string Token = "mat_SharedBetweenTwoReplicas0000000000000000";
    private readonly string _directory = Directory.CreateTempSubdirectory("mcp-sample-redis-").FullName;
    private RedisServer? _redis;
    private AuthKitStandIn? _authKit;
    private SampleProcess? _first;
    private SampleProcess? _second;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _authKit = await AuthKitStandIn.StartAsync();
        _authKit.AddUser(Token, "user_01SHARED000000000000000000", "shared@example.com", "Shared User");

        var settings = new Dictionary<string, string>
        {
            // Replicas: one public resource URL (so one cache namespace), one database.
            ["TokenValidation:Resource"] = "https://mcp.example.test/mcp",
            ["TokenValidation:AuthKit:Authority"] = _authKit.Authority,
            ["TokenValidation:AuthKit:AllowHttp"] = "true",
            ["Redis:Configuration"] = _redis.ConnectionString,

            // Generous: a process's first Redis connection takes 0.3-0.7 s on a busy 2-core machine (mostly JIT), longer
            // than the default 250 ms, and would count as a miss (correctly, but then the second replica would call AuthKit again).
            ["TokenValidation:Cache:DistributedCacheTimeout"] = "00:00:05",
            ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(_directory, "sample.db")}",
        };

        // One after the other, so only the first creates the database.
        _first = await SampleProcess.StartAsync("Production", settings, readyLine: "Protected Resource Metadata:");
        _second = await SampleProcess.StartAsync("Production", settings, readyLine: "Protected Resource Metadata:");
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in new IAsyncDisposable?[] { _first, _second, _authKit, _redis })
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task TwoReplicas_OneRedis_ShareOneValidation()
    {
        var onFirst = await WhoAmIAsync(_first!);
        Assert.Equal(1, _authKit!.UserInfoCalls);

        var onSecond = await WhoAmIAsync(_second!);

        Assert.Equal(1, _authKit.UserInfoCalls);
        Assert.Equal("user_01SHARED000000000000000000", onSecond.GetProperty("subject").GetString());

        // The local user id was mapped once, on the first replica, and travelled in the cache.
        Assert.Equal(onFirst.GetProperty("localUserId").GetString(), onSecond.GetProperty("localUserId").GetString());

        var keys = await _redis!.KeysAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.DoesNotContain(Token, key, StringComparison.Ordinal));

        // Stored by AddStackExchangeRedisCache: a hash per entry, its "data" field our value, which never holds the token.
        foreach (var key in keys)
        {
            var fields = await _redis.HashGetAllAsync(key);
            Assert.Contains("data", fields.Keys);
            Assert.DoesNotContain(Token, System.Text.Encoding.Latin1.GetString(fields["data"]), StringComparison.Ordinal);
        }

        // Outside Development nothing prints a token, and no AuthKit stand-in runs.
        foreach (var replica in new[] { _first!, _second! })
        {
            Assert.DoesNotContain(Token, replica.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("mat_", replica.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("stand-in", replica.Output, StringComparison.Ordinal);
        }
    }

    private static async Task<JsonElement> WhoAmIAsync(SampleProcess replica)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(replica.Origin + "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + Token },
        });
        await using var client = await McpClient.CreateAsync(transport);
        var result = await client.CallToolAsync("whoami");
        return result.StructuredContent!.Value;
    }
}
