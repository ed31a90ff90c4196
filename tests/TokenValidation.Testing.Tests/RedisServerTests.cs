using System.Text;

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

        await Assert.ThrowsAsync<RespErrorException>(() => redis.ExecuteAsync("NOSUCHCOMMAND"));
    }
}
