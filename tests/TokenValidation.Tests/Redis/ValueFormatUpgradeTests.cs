using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;
using TokenValidation.Caching;
using TokenValidation.Testing;
using TokenValidation.Tests.Caching;

namespace TokenValidation.Tests.Redis;

/// <summary>
/// The compact level-2 format against a real redis-server: values written by the JSON format before an upgrade still
/// hit, corrupt compact values are a miss that goes upstream, and what Redis holds never contains the token.
/// </summary>
public sealed class ValueFormatUpgradeTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string Token = "mat_upgrade_0123456789abcdefghijklmnopqrstuvwxyz";
    private readonly RedisServerFixture _redis;
    private AuthKitStandIn _authKit = null!;

    public ValueFormatUpgradeTests(RedisServerFixture redis) => _redis = redis;

    public async Task InitializeAsync()
    {
        if (!_redis.Server.IsRunning)
        {
            await _redis.StartAsync();
        }

        await _redis.FlushAllAsync();
        _authKit = await AuthKitStandIn.StartAsync();
        _authKit.AddUser(Token, "user_fresh", "fresh@example.com", "Fresh", new { scope = "mcp:tools" });
    }

    public async Task DisposeAsync() => await _authKit.DisposeAsync();

    [Fact]
    public async Task A_json_value_written_before_the_upgrade_is_served_without_an_upstream_call()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(time);
        var identity = new TokenIdentity
        {
            Subject = "user_from_json",
            Email = "ünï@example.com",
            Name = null,
            Scopes = ["mcp:tools"],
            Claims = [new("org_id", "org_7")],
            Source = TokenSources.AuthKit,
        };
        await PlantAsync(host, CompactValueFormatTests.OldJsonValue(new CacheEntry(TokenCheckResult.Valid(identity), time.GetUtcNow().AddMinutes(3))));

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(0, _authKit.UserInfoCalls);
        Assert.Equal("user_from_json", result.Identity!.Subject);
        Assert.Equal("ünï@example.com", result.Identity.Email);
        Assert.Null(result.Identity.Name);
        Assert.Equal(["mcp:tools"], result.Identity.Scopes);
        Assert.Equal("org_7", result.Identity.FindClaim("org_id"));
    }

    [Fact]
    public async Task A_json_invalid_value_written_before_the_upgrade_is_still_invalid()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(time);
        await PlantAsync(host, CompactValueFormatTests.OldJsonValue(new CacheEntry(TokenCheckResult.Invalid("The access token is invalid, expired or revoked."), time.GetUtcNow().AddMinutes(3))));

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(0, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_host_writes_the_compact_format_and_another_host_reads_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartHostAsync(time);
        await using var b = await StartHostAsync(time);

        await a.Validation.ValidateAsync(Token);
        var stored = (await _redis.HashGetAllAsync(Assert.Single(await _redis.KeysAsync())))["data"];
        var onB = await b.Validation.ValidateAsync(Token);

        Assert.Equal(3, stored[0]);
        Assert.Equal(1, _authKit.UserInfoCalls);
        Assert.Equal("fresh@example.com", onB.Identity!.Email);
        Assert.Equal(["mcp:tools"], onB.Identity.Scopes);
    }

    [Fact]
    public async Task Truncated_compact_values_are_a_miss_that_goes_upstream()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var writer = await StartHostAsync(time);
        await writer.Validation.ValidateAsync(Token);
        var key = Assert.Single(await _redis.KeysAsync());
        var whole = (await _redis.HashGetAllAsync(key))["data"];

        foreach (int length in new[] { 1, 2, 9, 10, whole.Length / 2, whole.Length - 1 })
        {
            await using var reader = await StartHostAsync(time);
            await PlantAsync(reader, whole[..length]);
            _authKit.ResetCounts();

            var result = await reader.Validation.ValidateAsync(Token);

            Assert.Equal("user_fresh", result.Identity!.Subject);
            Assert.Equal(1, _authKit.UserInfoCalls);
        }
    }

    [Fact]
    public async Task The_compact_value_holds_neither_the_token_nor_its_hash()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(time);
        await host.Validation.ValidateAsync(Token);

        var value = (await _redis.HashGetAllAsync(Assert.Single(await _redis.KeysAsync())))["data"];
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Token));

        Assert.Equal(-1, value.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Token[4..])));
        Assert.Equal(-1, value.AsSpan().IndexOf(hash.AsSpan(0, 8)));
        Assert.Equal(-1, value.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Convert.ToHexString(hash)[..16])));
        Assert.Equal(-1, value.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Convert.ToHexString(hash)[..16].ToLowerInvariant())));
        Assert.Equal(-1, value.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Convert.ToBase64String(hash)[..12])));
        Assert.NotEqual(-1, value.AsSpan().IndexOf("user_fresh"u8));
    }

    // Planted exactly as RedisCache stores an entry: a hash whose "data" field is the value.
    private async Task PlantAsync(CoreHost host, byte[] value)
    {
        var key = host.Services.GetRequiredService<DistributedTokenCache>().GetKey(TokenHash.Compute(Token));
        var database = await _redis.GetDatabaseAsync();
        await database.HashSetAsync(key, [new HashEntry("absexp", -1), new HashEntry("sldexp", -1), new HashEntry("data", value)]);
        await database.KeyExpireAsync(key, TimeSpan.FromMinutes(5));
    }

    private async Task<CoreHost> StartHostAsync(TimeProvider time)
    {
        var host = await CoreHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:Cache:InstanceName"] = "https://mcp.example.com/mcp",
                ["TokenValidation:Cache:DistributedCacheTimeout"] = "00:00:02",
            },
            configure: b => b.AddDistributedCache(),
            services: s => s.AddStackExchangeRedisCache(o => o.Configuration = _redis.ConnectionString),
            authKit: _authKit,
            time: time);

        // Connected before the test, as a long-running process is.
        await host.Services.GetRequiredService<IDistributedCache>().GetAsync("warm-up");
        return host;
    }
}
