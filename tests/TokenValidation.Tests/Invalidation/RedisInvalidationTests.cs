using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;
using TokenValidation.StackExchangeRedis;
using TokenValidation.Tests.Resilience;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Invalidation;

/// <summary>
/// Invalidation across replicas over Redis pub/sub: two hosts (two service containers, as two replicas would be) on one
/// real redis-server and one AuthKit stand-in. Runs alone: the one-second bound is real time over real sockets, and
/// the parallel classes' load once delayed delivery past it on a 2-core CI machine.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RedisInvalidationTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string ChannelPrefix = "tokenvalidation:v1:invalidate:";
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);
    private readonly RedisServerFixture _redis;
    private readonly string _instance = "https://mcp-" + Guid.NewGuid().ToString("N") + ".example.com/mcp";
    private AuthKitStandIn _authKit = null!;

    public RedisInvalidationTests(RedisServerFixture redis) => _redis = redis;

    private string Channel => ChannelPrefix + _instance;

    public async Task InitializeAsync() => _authKit = await AuthKitStandIn.StartAsync();

    public async Task DisposeAsync() => await _authKit.DisposeAsync();

    [Fact]
    public async Task Invalidating_on_one_replica_drops_the_entry_from_the_other_replicas_memory_within_a_second()
    {
        await using var first = await ReplicaAsync(_redis.ConnectionString);
        await using var second = await ReplicaAsync(_redis.ConnectionString);
        await using var withoutChannel = await ReplicaAsync(redis: null);
        await WaitForSubscribersAsync(2);
        var token = StandInHost.NewToken();
        _authKit.AddUser(token, "user_logout");
        foreach (var replica in new[] { first, second, withoutChannel })
        {
            Assert.True((await replica.Validation.ValidateAsync(token)).IsValid);
        }

        // Revoked at the issuer and invalidated on the first replica: the second must stop answering from memory.
        _authKit.RemoveUser(token);
        Assert.True((await second.Validation.ValidateAsync(token)).IsValid);
        var started = Stopwatch.GetTimestamp();
        await first.Validation.InvalidateAsync(token);
        TokenCheckResult seen;
        TimeSpan asked;
        do
        {
            // When the answer is no longer the cached one, the entry was gone before this call began: the propagation
            // time is measured to the call's start, not to the end of the issuer call it then makes.
            asked = Stopwatch.GetElapsedTime(started);
            seen = await second.Validation.ValidateAsync(token);
        }
        while (seen.IsValid && asked < TimeSpan.FromSeconds(10));

        // Waiting well past the bound tells "late" (the time is reported) from "never" (still valid).
        Assert.Equal(TokenValidationOutcome.Invalid, seen.Outcome);
        Assert.InRange(asked, TimeSpan.Zero, WithinASecond);
        Assert.Equal(TokenValidationOutcome.Invalid, (await first.Validation.ValidateAsync(token)).Outcome);

        // Without a channel, a replica keeps its entry until the L1 lifetime ends: the bound the README states.
        Assert.True((await withoutChannel.Validation.ValidateAsync(token)).IsValid);
    }

    [Fact]
    public async Task Only_the_tokens_sha256_travels_on_the_channel()
    {
        await using var replica = await ReplicaAsync(_redis.ConnectionString);
        await using var listener = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (_, message) => received.TrySetResult((byte[])message!));
        var token = StandInHost.NewToken();

        await replica.Validation.InvalidateAsync(token);
        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(token)), message);
        Assert.DoesNotContain(token, Encoding.Latin1.GetString(message), StringComparison.Ordinal);
        Assert.DoesNotContain(token[4..20], Convert.ToBase64String(message), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_redis_unreachable_requests_are_served_and_invalidating_neither_throws_nor_hangs()
    {
        // Nothing listens on this port: the channel never connects.
        await using var replica = await ReplicaAsync("127.0.0.1:" + LoopbackPorts.RefusingPort());
        var token = StandInHost.NewToken();
        _authKit.AddUser(token, "user_no_redis");

        for (int i = 0; i < 20; i++)
        {
            Assert.True((await replica.Validation.ValidateAsync(token)).IsValid);
        }

        var started = Stopwatch.GetTimestamp();
        await replica.Validation.InvalidateAsync(token);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(3));

        // This replica's own entry went regardless: the next request asks AuthKit again.
        Assert.True((await replica.Validation.ValidateAsync(token)).IsValid);
        Assert.Equal(2, _authKit.UserInfoCalls);
        Assert.Contains(replica.Logs.GetSnapshot(), r => r.Id.Id == 701);
    }

    [Fact]
    public async Task After_redis_restarts_the_replicas_resubscribe_and_invalidations_reach_them_again()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var first = await ReplicaAsync(redis.ConnectionString);
        await using var second = await ReplicaAsync(redis.ConnectionString);
        await WaitForSubscribersAsync(2, redis);
        var token = StandInHost.NewToken();
        _authKit.AddUser(token, "user_restart");

        await redis.StopAsync();
        Assert.True((await first.Validation.ValidateAsync(token)).IsValid);
        Assert.True((await second.Validation.ValidateAsync(token)).IsValid);
        await first.Validation.InvalidateAsync(token);
        Assert.True((await first.Validation.ValidateAsync(token)).IsValid);

        await redis.StartAsync();
        await WaitForSubscribersAsync(2, redis, TimeSpan.FromSeconds(60));
        _authKit.RemoveUser(token);
        await first.Validation.InvalidateAsync(token);
        var started = Stopwatch.GetTimestamp();
        TokenCheckResult seen;
        do
        {
            seen = await second.Validation.ValidateAsync(token);
        }
        while (seen.IsValid && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5));

        Assert.Equal(TokenValidationOutcome.Invalid, seen.Outcome);
    }

    private async Task<CoreHost> ReplicaAsync(string? redis)
    {
        var host = await CoreHost.StartAsync(
            configure: builder =>
            {
                builder.ConfigureCache(o => o.InstanceName = _instance);
                if (redis is not null)
                {
                    builder.AddRedisInvalidation(o =>
                    {
                        o.Configuration = redis + ",connectTimeout=1000";
                        o.PublishTimeout = TimeSpan.FromMilliseconds(500);
                    });
                }
            },
            authKit: _authKit,
            time: TimeProvider.System);

        // Resolving the service subscribes it, as the first request would.
        _ = host.Validation;
        return host;
    }

    private Task WaitForSubscribersAsync(long count) => WaitForSubscribersAsync(count, _redis.Server);

    private async Task WaitForSubscribersAsync(long count, RedisServer redis, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds * Stopwatch.Frequency);
        long subscribers = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                var reply = (RedisResult[])(await redis.ExecuteAsync("PUBSUB", "NUMSUB", Channel))!;
                subscribers = (long)reply[1];
                if (subscribers >= count)
                {
                    return;
                }
            }
            catch (RedisException)
            {
                // Still coming back up.
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{subscribers} of {count} replicas subscribed to {Channel}.");
    }
}
