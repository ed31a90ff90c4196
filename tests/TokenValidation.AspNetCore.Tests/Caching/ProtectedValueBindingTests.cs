using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Caching;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Caching;

/// <summary>Protected level-2 values are bound to their key: a value moved to another key is a miss, on a real redis-server.</summary>
public sealed class ProtectedValueBindingTests : IClassFixture<AuthKitFixture>, IClassFixture<RedisServerFixture>
{
    private readonly AuthKitStandIn _authKit;
    private readonly RedisServerFixture _redis;

    public ProtectedValueBindingTests(AuthKitFixture authKit, RedisServerFixture redis)
    {
        _authKit = authKit.Reset();
        _redis = redis;
    }

    [Fact]
    public async Task Bobs_value_copied_under_another_tokens_key_is_a_miss_answered_by_AuthKit()
    {
        var bob = AuthKitFixture.NewToken();
        var eve = AuthKitFixture.NewToken();
        _authKit.AddUser(bob, "user_bob", "bob@example.com", "Bob");
        await using var replica = Replica("bound-" + Guid.NewGuid().ToString("N"), new EphemeralDataProtectionProvider());
        var service = replica.GetRequiredService<ITokenValidationService>();
        var l2 = replica.GetRequiredService<DistributedTokenCache>();
        var redis = replica.GetRequiredService<IDistributedCache>();

        Assert.True((await service.ValidateAsync(bob)).IsValid);
        var bobsValue = await redis.GetAsync(l2.GetKey(TokenHash.Compute(bob)));
        Assert.NotNull(bobsValue);
        await redis.SetAsync(l2.GetKey(TokenHash.Compute(eve)), bobsValue, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

        var result = await service.ValidateAsync(eve);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Null(result.Identity);
        Assert.Equal(2, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_value_copied_to_another_instance_name_is_a_miss_even_with_the_same_key_ring()
    {
        var bob = AuthKitFixture.NewToken();
        _authKit.AddUser(bob, "user_bob2", "bob2@example.com", "Bob");
        var keyRing = new EphemeralDataProtectionProvider();
        await using var first = Replica("server-a-" + Guid.NewGuid().ToString("N"), keyRing);
        await using var second = Replica("server-b-" + Guid.NewGuid().ToString("N"), keyRing);
        var redis = first.GetRequiredService<IDistributedCache>();

        Assert.True((await first.GetRequiredService<ITokenValidationService>().ValidateAsync(bob)).IsValid);
        var value = await redis.GetAsync(first.GetRequiredService<DistributedTokenCache>().GetKey(TokenHash.Compute(bob)));
        Assert.NotNull(value);
        await redis.SetAsync(second.GetRequiredService<DistributedTokenCache>().GetKey(TokenHash.Compute(bob)), value, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

        Assert.True((await second.GetRequiredService<ITokenValidationService>().ValidateAsync(bob)).IsValid);
        Assert.Equal(2, _authKit.UserInfoCalls);
    }

    private ServiceProvider Replica(string instanceName, IDataProtectionProvider keyRing) =>
        ProtectedRedisReplica.Build(_redis.ConnectionString, _authKit.Authority, instanceName, keyRing);
}
