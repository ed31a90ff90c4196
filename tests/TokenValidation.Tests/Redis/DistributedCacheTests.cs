using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TokenValidation.Caching;
using TokenValidation.Testing;
using Xunit.Abstractions;

namespace TokenValidation.Tests.Redis;

/// <summary>
/// CONTRACT §7 level 2, against a real redis-server shared by two application hosts, each registering Redis the way
/// production does: <c>AddStackExchangeRedisCache</c> (Microsoft.Extensions.Caching.StackExchangeRedis).
/// </summary>
public sealed class DistributedCacheTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string Token = "mat_shared_0123456789abcdefghijklmnopqrstuvwxyz";
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(250);
    private readonly RedisServerFixture _redis;
    private readonly ITestOutputHelper _output;
    private AuthKitStandIn _authKit = null!;

    public DistributedCacheTests(RedisServerFixture redis, ITestOutputHelper output)
    {
        _redis = redis;
        _output = output;
    }

    public async Task InitializeAsync()
    {
        if (!_redis.Server.IsRunning)
        {
            await _redis.StartAsync();
        }

        await _redis.FlushAllAsync();
        _authKit = await AuthKitStandIn.StartAsync();
        _authKit.AddUser(Token, "user_01", "ada@example.com", "Ada", new { org_id = "org_7", scope = "mcp:tools" });
    }

    public async Task DisposeAsync() => await _authKit.DisposeAsync();

    [Fact]
    public async Task A_token_validated_on_host_A_is_served_by_host_B_without_an_upstream_call()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartHostAsync(time);
        await using var b = await StartHostAsync(time);

        var onA = await a.Validation.ValidateAsync(Token);
        var onB = await b.Validation.ValidateAsync(Token);

        Assert.Equal(1, _authKit.UserInfoCalls);
        Assert.Equal(TokenValidationOutcome.Valid, onB.Outcome);
        Assert.Equal(onA.Identity!.Subject, onB.Identity!.Subject);
        Assert.Equal("ada@example.com", onB.Identity.Email);
        Assert.Equal(["mcp:tools"], onB.Identity.Scopes);
        Assert.Equal("org_7", onB.Identity.FindClaim("org_id"));
    }

    [Fact]
    public async Task Invalid_answers_are_shared_too()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartHostAsync(time);
        await using var b = await StartHostAsync(time);

        await a.Validation.ValidateAsync("mat_not_a_real_token_123");
        var onB = await b.Validation.ValidateAsync("mat_not_a_real_token_123");

        Assert.Equal(TokenValidationOutcome.Invalid, onB.Outcome);
        Assert.Equal(1, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task An_L2_hit_gives_L1_the_remaining_life_not_a_fresh_one()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartHostAsync(time);
        await using var b = await StartHostAsync(time);

        await a.Validation.ValidateAsync(Token);
        time.Advance(TimeSpan.FromMinutes(4));
        await b.Validation.ValidateAsync(Token);
        time.Advance(TimeSpan.FromSeconds(59));
        await b.Validation.ValidateAsync(Token);
        Assert.Equal(1, _authKit.UserInfoCalls);

        time.Advance(TimeSpan.FromSeconds(1));
        var after = await b.Validation.ValidateAsync(Token);

        Assert.True(after.IsValid);
        Assert.Equal(2, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task InvalidateAsync_on_host_A_makes_the_next_request_on_host_B_go_upstream()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartHostAsync(time);
        await using var b = await StartHostAsync(time);

        await a.Validation.ValidateAsync(Token);
        await a.Validation.InvalidateAsync(Token);
        _authKit.RemoveUser(Token);
        var onB = await b.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Invalid, onB.Outcome);
        Assert.Equal(2, _authKit.UserInfoCalls);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("\u0001{not json")]
    [InlineData("\u0001{\"o\":2,\"x\":99999999999999}")]
    [InlineData("\u0001{\"o\":0,\"x\":99999999999999}")]
    [InlineData("\u0001{\"o\":0,\"x\":99999999999999,\"s\":\"user_evil\",\"r\":\"authkit\",\"c\":[\"odd\"]}")]
    [InlineData("\u0002protected-but-no-protector")]
    [InlineData("\u0009future format")]
    [InlineData("")]
    public async Task A_corrupted_or_foreign_value_under_our_key_is_a_miss(string value)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(time);
        var key = host.Services.GetRequiredService<DistributedTokenCache>().GetKey(TokenHashOf(Token));

        // Planted exactly as RedisCache stores an entry: a hash whose "data" field is the value.
        var database = await _redis.GetDatabaseAsync();
        await database.HashSetAsync(key, [new HashEntry("absexp", -1), new HashEntry("sldexp", -1), new HashEntry("data", Encoding.UTF8.GetBytes(value))]);
        await database.KeyExpireAsync(key, TimeSpan.FromMinutes(5));

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal("user_01", result.Identity!.Subject);
        Assert.Equal(1, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_key_of_another_redis_type_is_a_miss_and_a_logged_failure_not_an_error()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(time);
        var key = host.Services.GetRequiredService<DistributedTokenCache>().GetKey(TokenHashOf(Token));
        await _redis.SetRawAsync(key, "a plain string, as another client might write"u8.ToArray(), TimeSpan.FromMinutes(5));

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(1, _authKit.UserInfoCalls);
        Assert.Contains(host.Logs.Logs, l => l.Level == LogLevel.Warning && l.Message.Contains("failed; treating it as a miss"));
    }

    [Fact]
    public async Task The_redis_value_holds_neither_the_token_nor_its_hash()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(time);
        await host.Validation.ValidateAsync(Token);

        var keys = await _redis.KeysAsync();
        var key = Assert.Single(keys);
        var fields = await _redis.HashGetAllAsync(key);
        Assert.Contains("data", fields.Keys);
        var text = string.Join("\n", fields.Select(f => f.Key + "=" + Encoding.Latin1.GetString(f.Value)));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Token));

        Assert.StartsWith("tokenvalidation:v1:", key);
        Assert.DoesNotContain(Token[4..], key);
        Assert.DoesNotContain(Token[4..], text);
        Assert.DoesNotContain(Convert.ToHexString(hash), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(hash).TrimEnd('='), text);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Token))[..12], text);
        Assert.Contains("user_01", text);
    }

    [Fact]
    public async Task Two_servers_with_different_instance_names_never_read_each_other()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartHostAsync(time, instance: "https://a.example.com/mcp");
        await using var b = await StartHostAsync(time, instance: "https://b.example.com/mcp");

        await a.Validation.ValidateAsync(Token);
        await b.Validation.ValidateAsync(Token);

        Assert.Equal(2, _authKit.UserInfoCalls);
        Assert.Equal(2, (await _redis.KeysAsync()).Length);
    }

    [Fact]
    public async Task Redis_killed_mid_test_requests_keep_succeeding_l2_is_skipped_in_cool_down_and_used_again_after_restart()
    {
        // Real time: while Redis is down the client queues each command for up to 5 s, so the library's per-call bound is
        // what ends a call, and it runs on the host's clock.
        await using var a = await StartHostAsync(TimeProvider.System, cooldown: "00:00:03");
        await using var b = await StartHostAsync(TimeProvider.System, cooldown: "00:00:03");
        var counting = a.Services.GetRequiredService<CountingDistributedCache>();
        for (int i = 0; i < 20; i++)
        {
            _authKit.AddUser($"mat_outage_{i}", $"user_{i}");
        }

        Assert.True((await a.Validation.ValidateAsync(Token)).IsValid);
        await _redis.StopAsync();

        // Cached and new tokens both keep working while Redis is down, each within the bound.
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < 20; i++)
        {
            Assert.True((await a.Validation.ValidateAsync(Token)).IsValid);
            var stopwatch = Stopwatch.StartNew();
            Assert.True((await a.Validation.ValidateAsync($"mat_outage_{i}")).IsValid);
            slowest = stopwatch.Elapsed > slowest ? stopwatch.Elapsed : slowest;
        }

        // Before the outage: one read and one write. Then three failures in a row open the cool-down,
        // and no request touches Redis after that.
        Assert.Equal(2 + 3, counting.Calls);
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest request {slowest}");
        var warnings = a.Logs.Logs.Where(l => l.Level == LogLevel.Warning && l.Category.EndsWith(nameof(DistributedTokenCache))).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("failed; treating it as a miss", warnings[0].Message);
        Assert.Contains("skipping it for", warnings[1].Message);

        await _redis.StartAsync();
        var restarted = Stopwatch.StartNew();
        _authKit.AddUser("mat_after_restart", "user_back");

        // The client reconnects on its own; once the cool-down is over a request writes to Redis again. (Writes abandoned
        // during the outage may land too, from the client's backlog: look for this token's key only.)
        var key = a.Services.GetRequiredService<DistributedTokenCache>().GetKey(TokenHashOf("mat_after_restart"));
        while (!(await _redis.KeysAsync()).Contains(key))
        {
            Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(30), "level 2 was not used again within 30 s of the restart");
            await a.Validation.InvalidateAsync("mat_after_restart");
            Assert.True((await a.Validation.ValidateAsync("mat_after_restart")).IsValid);
            await Task.Delay(100);
        }

        _output.WriteLine($"Slowest request while Redis was down: {slowest.TotalMilliseconds:F0} ms; L2 written again {restarted.ElapsedMilliseconds} ms after the restart (cool-down 3 s).");
        await WaitUntilConnectedAsync(b);
        int before = _authKit.UserInfoCalls;
        var onB = await b.Validation.ValidateAsync("mat_after_restart");

        Assert.True(onB.IsValid);
        Assert.Equal(before, _authKit.UserInfoCalls);
        Assert.Contains(a.Logs.Logs, l => l.Message.Contains("answering again"));
    }

    [Fact]
    public async Task Redis_down_at_start_up_requests_succeed_within_the_bound_and_l2_is_used_once_it_is_up()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await redis.StopAsync();
        await using var host = await StartHostAsync(TimeProvider.System, cooldown: "00:00:03", configuration: redis.ConnectionString, warm: false);
        var counting = host.Services.GetRequiredService<CountingDistributedCache>();

        var slowest = TimeSpan.Zero;
        for (int i = 0; i < 10; i++)
        {
            _authKit.AddUser($"mat_cold_{i}", $"user_{i}");
            var stopwatch = Stopwatch.StartNew();
            Assert.True((await host.Validation.ValidateAsync($"mat_cold_{i}")).IsValid);
            slowest = stopwatch.Elapsed > slowest ? stopwatch.Elapsed : slowest;
        }

        // The first connection attempt alone would take 3 × 5 s; the client's own first answer about 20 s.
        Assert.Equal(3, counting.Calls);
        Assert.True(slowest < TimeSpan.FromSeconds(3), $"slowest request {slowest}");

        await redis.StartAsync();
        var started = Stopwatch.StartNew();
        _authKit.AddUser("mat_after_start", "user_up");
        var key = host.Services.GetRequiredService<DistributedTokenCache>().GetKey(TokenHashOf("mat_after_start"));
        while (!(await redis.KeysAsync()).Contains(key))
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), "level 2 was not used within 30 s of Redis starting");
            await host.Validation.InvalidateAsync("mat_after_start");
            Assert.True((await host.Validation.ValidateAsync("mat_after_start")).IsValid);
            await Task.Delay(100);
        }

        _output.WriteLine($"Slowest request with Redis down at start-up: {slowest.TotalMilliseconds:F0} ms; L2 written {started.ElapsedMilliseconds} ms after Redis started (cool-down 3 s).");
    }

    [Fact]
    public async Task A_hanging_redis_costs_a_request_at_most_the_bounded_timeout()
    {
        await using var host = await StartHostAsync(TimeProvider.System, cooldown: "00:01:00");
        var counting = host.Services.GetRequiredService<CountingDistributedCache>();
        await host.Validation.ValidateAsync("mat_warm_up_connection");
        _redis.Server.Suspend();
        var slowest = TimeSpan.Zero;
        try
        {
            for (int i = 0; i < 10; i++)
            {
                _authKit.AddUser($"mat_hang_{i}", $"user_{i}");
                var stopwatch = Stopwatch.StartNew();
                Assert.True((await host.Validation.ValidateAsync($"mat_hang_{i}")).IsValid);
                slowest = stopwatch.Elapsed > slowest ? stopwatch.Elapsed : slowest;
            }

            // Warm-up: a read and a write. Then a read and a write that time out, a third read that
            // starts the cool-down, and no Redis call at all for the other eight requests.
            Assert.Equal(5, counting.Calls);

            // Unbounded, the client would wait its own 5 s timeout on every call (two calls per request).
            Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest request {slowest}");
            _output.WriteLine($"Slowest request while Redis hung: {slowest.TotalMilliseconds:F0} ms (bound {Bound.TotalMilliseconds:F0} ms per call).");
        }
        finally
        {
            _redis.Server.Resume();
        }
    }

    private static TokenHash TokenHashOf(string token) => TokenHash.Compute(token);

    /// <summary>Polls the host's Redis cache directly (uncounted) until a call answers within the bound.</summary>
    private static async Task WaitUntilConnectedAsync(CoreHost host)
    {
        var inner = host.Services.GetRequiredService<CountingDistributedCache>().Inner;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await inner.GetAsync("connection-check").WaitAsync(Bound);
                return;
            }
            catch (Exception ex) when (ex is TimeoutException or RedisException && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// A host registering Redis as production does. By default its connection is made before the test starts (uncounted,
    /// as in a long-running process): a first connection in a cold process can take longer than the 250 ms bound and
    /// would be a correct, but timing-dependent, miss.
    /// </summary>
    private async Task<CoreHost> StartHostAsync(
        TimeProvider time,
        string instance = "https://mcp.example.com/mcp",
        string cooldown = "00:00:30",
        string? configuration = null,
        bool warm = true)
    {
        var host = await CoreHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:Cache:InstanceName"] = instance,
                ["TokenValidation:Cache:DistributedCacheCooldown"] = cooldown,
                ["TokenValidation:Cache:DistributedCacheTimeout"] = Bound.ToString(),
            },
            configure: b => b.AddDistributedCache(),
            services: s =>
            {
                s.AddStackExchangeRedisCache(o => o.Configuration = configuration ?? _redis.ConnectionString);
                CountingDistributedCache.Decorate(s);
            },
            authKit: _authKit,
            time: time);
        if (warm)
        {
            await host.Services.GetRequiredService<CountingDistributedCache>().Inner.GetAsync("warm-up");
        }

        return host;
    }
}
