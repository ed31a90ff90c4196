using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.Redis;

namespace TokenValidation.Testing.Tests;

public sealed class RedisDistributedCacheTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(2);

    private RedisDistributedCache NewCache(string? instance = null, string? configuration = null) => new(new RedisDistributedCacheOptions
    {
        Configuration = configuration ?? redis.ConnectionString,
        InstanceName = instance ?? $"t{Guid.NewGuid():N}:",
    });

    [Fact]
    public async Task Set_get_remove_round_trip_with_prefix_and_ttl()
    {
        using var cache = NewCache("rt:");
        var options = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) };

        await cache.SetAsync("k1", [1, 2, 3], options);
        cache.Set("k2", [4], new DistributedCacheEntryOptions());

        Assert.Equal([1, 2, 3], await cache.GetAsync("k1"));
        Assert.Equal([4], cache.Get("k2"));
        Assert.Null(await cache.GetAsync("nope"));
        Assert.Equal([1, 2, 3], await redis.GetRawAsync("rt:k1"));
        Assert.InRange(await redis.Server.PttlAsync("rt:k1"), 290_000, 300_000);
        Assert.Equal(-1, await redis.Server.PttlAsync("rt:k2"));

        await cache.RemoveAsync("k1");
        cache.Remove("k2");
        await cache.RefreshAsync("k1");
        cache.Refresh("k1");

        Assert.Null(await cache.GetAsync("k1"));
        Assert.Null(cache.Get("k2"));
        Assert.Empty(await redis.KeysAsync("rt:*"));
    }

    [Fact]
    public async Task Entries_expire()
    {
        using var cache = NewCache();
        await cache.SetAsync("short", [9], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(150) });
        await cache.SetAsync("abs", [8], new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMilliseconds(150) });
        Assert.NotNull(await cache.GetAsync("short"));

        await Task.Delay(400);

        Assert.Null(await cache.GetAsync("short"));
        Assert.Null(await cache.GetAsync("abs"));
    }

    [Fact]
    public async Task The_earliest_expiry_wins_and_past_expiry_is_rejected()
    {
        using var cache = NewCache("ex:");
        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = DateTimeOffset.UtcNow.AddHours(1),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30),
            SlidingExpiration = TimeSpan.FromMinutes(10),
        });

        Assert.InRange(await redis.Server.PttlAsync("ex:k"), 1, 30_000);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cache.SetAsync("k", [1], new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = DateTimeOffset.UtcNow.AddSeconds(-1),
        }));
    }

    [Fact]
    public async Task Uses_the_configured_clock_for_absolute_expiration()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var cache = new RedisDistributedCache(new RedisDistributedCacheOptions
        {
            Configuration = redis.ConnectionString,
            InstanceName = "clk:",
            TimeProvider = clock,
        });

        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions { AbsoluteExpiration = clock.GetUtcNow().AddSeconds(20) });

        Assert.InRange(await redis.Server.PttlAsync("clk:k"), 19_000, 20_000);
    }

    [Fact]
    public async Task AddRedisDistributedCache_registers_a_singleton()
    {
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        services.AddRedisDistributedCache(o =>
        {
            o.Configuration = redis.ConnectionString;
            o.InstanceName = "di:";
        });

        await using (var provider = services.BuildServiceProvider())
        {
            var cache = provider.GetRequiredService<IDistributedCache>();
            Assert.IsType<RedisDistributedCache>(cache);
            Assert.Same(cache, provider.GetRequiredService<IDistributedCache>());
            await cache.SetStringAsync("k", "v");
            Assert.Equal("v", await cache.GetStringAsync("k"));
        }

        Assert.NotNull(await redis.GetRawAsync("di:k"));
    }

    [Fact]
    public async Task Throws_quickly_when_Redis_was_never_reachable()
    {
        using var cache = NewCache(configuration: $"127.0.0.1:{LoopbackPorts.RefusingPort()}");

        var started = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => cache.GetAsync("k"));
        Assert.True(started.Elapsed < Quick, $"first call took {started.Elapsed}");

        started.Restart();
        Assert.ThrowsAny<Exception>(() => cache.Get("k"));
        await Assert.ThrowsAnyAsync<Exception>(() => cache.SetAsync("k", [1], new DistributedCacheEntryOptions()));
        Assert.True(started.Elapsed < Quick, $"later calls took {started.Elapsed}");
    }

    [Fact]
    public async Task Throws_quickly_while_Redis_is_down_and_recovers_after_restart()
    {
        await using var server = await RedisServer.StartNewAsync();
        using var cache = new RedisDistributedCache(new RedisDistributedCacheOptions { Configuration = server.ConnectionString });
        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions());
        Assert.Equal([1], await cache.GetAsync("k"));

        await server.StopAsync();

        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<Exception>(() => cache.GetAsync("k"));
            Assert.True(started.Elapsed < Quick, $"async call {i} took {started.Elapsed}");
            started.Restart();
            Assert.ThrowsAny<Exception>(() => cache.Set("k", [2], new DistributedCacheEntryOptions()));
            Assert.True(started.Elapsed < Quick, $"sync call {i} took {started.Elapsed}");
        }

        await server.StartAsync();

        var recovered = Stopwatch.StartNew();
        byte[]? value = null;
        Exception? last = null;
        while (recovered.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                await cache.SetAsync("k", [3], new DistributedCacheEntryOptions());
                value = await cache.GetAsync("k");
                break;
            }
            catch (Exception ex)
            {
                last = ex;
                await Task.Delay(100);
            }
        }

        Assert.True(value is not null, $"no recovery after {recovered.Elapsed}: {last}");
        Assert.Equal([3], value);
        Assert.True(cache.IsConnected);
    }

    [Fact]
    public async Task Throws_TimeoutException_within_the_operation_timeout_when_Redis_hangs()
    {
        await using var server = await RedisServer.StartNewAsync();
        using var cache = new RedisDistributedCache(new RedisDistributedCacheOptions
        {
            Configuration = server.ConnectionString,
            OperationTimeout = TimeSpan.FromMilliseconds(250),
        });
        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions());

        server.Suspend();
        try
        {
            var started = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<TimeoutException>(() => cache.GetAsync("k"));
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"async took {started.Elapsed}");

            started.Restart();
            Assert.ThrowsAny<TimeoutException>(() => cache.Get("k"));
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"sync took {started.Elapsed}");
        }
        finally
        {
            server.Resume();
        }

        var recovered = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Assert.Equal([1], await cache.GetAsync("k"));
                break;
            }
            catch (Exception) when (recovered.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Dispose_makes_later_calls_throw_ObjectDisposedException()
    {
        var cache = NewCache();
        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions());
        cache.Dispose();
        cache.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.GetAsync("k"));
    }
}
