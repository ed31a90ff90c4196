using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using TokenValidation.Caching;
using TokenValidation.Redis;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Redis;

/// <summary>CONTRACT §7 level 2, against a real redis-server shared by two application hosts.</summary>
public sealed class DistributedCacheTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string Token = "mat_shared_0123456789abcdefghijklmnopqrstuvwxyz";
    private readonly RedisServerFixture _redis;
    private AuthKitStandIn _authKit = null!;

    public DistributedCacheTests(RedisServerFixture redis) => _redis = redis;

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
        await _redis.SetRawAsync(key, Encoding.UTF8.GetBytes(value), TimeSpan.FromMinutes(5));

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal("user_01", result.Identity!.Subject);
        Assert.Equal(1, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task The_redis_value_holds_neither_the_token_nor_its_hash()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(time);
        await host.Validation.ValidateAsync(Token);

        var keys = await _redis.KeysAsync();
        var key = Assert.Single(keys);
        var value = await _redis.GetRawAsync(key);
        var text = Encoding.Latin1.GetString(value!);
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
        // A killed Redis fails calls at once, so fake time can drive the cool-down deterministically.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartHostAsync(time);
        await using var b = await StartHostAsync(time);
        var counting = a.Services.GetRequiredService<CountingDistributedCache>();
        for (int i = 0; i < 20; i++)
        {
            _authKit.AddUser($"mat_outage_{i}", $"user_{i}");
        }

        Assert.True((await a.Validation.ValidateAsync(Token)).IsValid);
        await _redis.StopAsync();

        // Cached and new tokens both keep working while Redis is down.
        for (int i = 0; i < 20; i++)
        {
            Assert.True((await a.Validation.ValidateAsync(Token)).IsValid);
            Assert.True((await a.Validation.ValidateAsync($"mat_outage_{i}")).IsValid);
        }

        // Before the outage: one read and one write. Then three failures in a row open the cool-down,
        // and no request touches Redis after that.
        Assert.Equal(2 + 3, counting.Calls);
        var warnings = a.Logs.Logs.Where(l => l.Level == LogLevel.Warning && l.Category.EndsWith(nameof(DistributedTokenCache))).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("failed; treating it as a miss", warnings[0].Message);
        Assert.Contains("skipping it for", warnings[1].Message);

        await _redis.StartAsync();
        time.Advance(TimeSpan.FromSeconds(31));
        _authKit.AddUser("mat_after_restart", "user_back");

        // The client reconnects on its own within about a second; each try is one read and one write.
        for (int i = 0; i < 50 && (await _redis.KeysAsync()).Length == 0; i++)
        {
            time.Advance(TimeSpan.FromSeconds(31));
            await a.Validation.InvalidateAsync("mat_after_restart");
            Assert.True((await a.Validation.ValidateAsync("mat_after_restart")).IsValid);
            await Task.Delay(100);
        }

        int before = _authKit.UserInfoCalls;
        var onB = await b.Validation.ValidateAsync("mat_after_restart");

        Assert.True(onB.IsValid);
        Assert.Equal(before, _authKit.UserInfoCalls);
        Assert.Contains(a.Logs.Logs, l => l.Message.Contains("answering again"));
    }

    [Fact]
    public async Task A_hanging_redis_costs_a_request_at_most_the_bounded_timeout()
    {
        await using var host = await StartHostAsync(TimeProvider.System, cooldown: "00:01:00");
        var counting = host.Services.GetRequiredService<CountingDistributedCache>();
        await host.Validation.ValidateAsync("mat_warm_up_connection");
        _redis.Server.Suspend();
        try
        {
            for (int i = 0; i < 10; i++)
            {
                _authKit.AddUser($"mat_hang_{i}", $"user_{i}");
                Assert.True((await host.Validation.ValidateAsync($"mat_hang_{i}")).IsValid);
            }

            // Warm-up: a read and a write. Then a read and a write that time out, a third read that
            // starts the cool-down, and no Redis call at all for the other eight requests.
            Assert.Equal(5, counting.Calls);
        }
        finally
        {
            _redis.Server.Resume();
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 50 && !await condition(); i++)
        {
            await Task.Delay(100);
        }
    }

    private static TokenHash TokenHashOf(string token) => TokenHash.Compute(token);

    private Task<CoreHost> StartHostAsync(TimeProvider time, string instance = "https://mcp.example.com/mcp", string cooldown = "00:00:30") =>
        CoreHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:Cache:InstanceName"] = instance,
                ["TokenValidation:Cache:DistributedCacheCooldown"] = cooldown,
            },
            configure: b => b.AddDistributedCache(),
            services: s =>
            {
                s.AddSingleton(new RedisDistributedCache(new RedisDistributedCacheOptions { Configuration = _redis.ConnectionString }));
                s.AddSingleton(sp => new CountingDistributedCache(sp.GetRequiredService<RedisDistributedCache>()));
                s.AddSingleton<IDistributedCache>(sp => sp.GetRequiredService<CountingDistributedCache>());
            },
            authKit: _authKit,
            time: time);
}
