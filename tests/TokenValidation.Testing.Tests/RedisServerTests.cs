using System.Diagnostics;
using System.Text;
using StackExchange.Redis;

namespace TokenValidation.Testing.Tests;

public sealed class RedisServerTests
{
    [Fact]
    public async Task Starts_stops_and_restarts_on_the_same_port()
    {
        await using var redis = await RedisServer.StartNewAsync();
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);
        Assert.True(await redis.TryPingAsync());

        await redis.SetRawAsync("tv:a", "one"u8.ToArray());
        await redis.SetRawAsync("tv:b", "two"u8.ToArray(), TimeSpan.FromMinutes(1));
        await redis.SetRawAsync("other", [0xff]);
        Assert.Equal("one", Encoding.UTF8.GetString((await redis.GetRawAsync("tv:a"))!));
        Assert.Null(await redis.GetRawAsync("missing"));
        Assert.Equal(["tv:a", "tv:b"], await redis.KeysAsync("tv:*"));
        Assert.Equal(-1, await redis.PttlAsync("tv:a"));
        Assert.InRange(await redis.PttlAsync("tv:b"), 1, 60_000);

        var port = redis.Port;
        await redis.StopAsync();
        Assert.False(redis.IsRunning);
        Assert.False(await redis.TryPingAsync());

        await redis.StartAsync();
        Assert.Equal(port, redis.Port);
        Assert.True(await redis.TryPingAsync());
        Assert.Empty(await redis.KeysAsync()); // no persistence

        await redis.SetRawAsync("x", [1]);
        await redis.FlushAllAsync();
        Assert.Empty(await redis.KeysAsync());
    }

    [Fact]
    public async Task Suspend_makes_it_unresponsive_and_Resume_brings_it_back()
    {
        await using var redis = await RedisServer.StartNewAsync();

        redis.Suspend();
        Assert.False(await redis.TryPingAsync());
        redis.Resume();

        Assert.True(await redis.TryPingAsync());
    }

    [Fact]
    public async Task Error_replies_surface_as_exceptions()
    {
        await using var redis = await RedisServer.StartNewAsync();

        await Assert.ThrowsAsync<RedisServerException>(() => redis.ExecuteAsync("NOSUCHCOMMAND"));
    }

    [Fact]
    public async Task Hashes_read_back_field_by_field_as_the_framework_cache_stores_them()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var database = await redis.GetDatabaseAsync();
        await database.HashSetAsync("tv:h", [new HashEntry("data", new byte[] { 1, 2 }), new HashEntry("absexp", -1)]);

        var fields = await redis.HashGetAllAsync("tv:h");

        Assert.Equal(["absexp", "data"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([1, 2], fields["data"]);
        Assert.Empty(await redis.HashGetAllAsync("missing"));
        await Assert.ThrowsAsync<RedisServerException>(() => redis.GetRawAsync("tv:h"));
    }

    [Fact]
    public async Task Direct_commands_fail_fast_while_the_server_is_down_and_work_again_after_a_restart()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await redis.SetRawAsync("before", [1]);
        await redis.StopAsync();

        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<RedisException>(() => redis.GetRawAsync("before"));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");

        await redis.StartAsync();
        await redis.SetRawAsync("after", [2]);
        Assert.Equal([2], await redis.GetRawAsync("after"));
    }
}
