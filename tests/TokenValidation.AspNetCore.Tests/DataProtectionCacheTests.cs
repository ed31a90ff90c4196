using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using TokenValidation.AspNetCore.Caching;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests;

/// <summary>Level-2 values encrypted with ASP.NET Core Data Protection.</summary>
public sealed class DataProtectionCacheTests : IClassFixture<AuthKitFixture>, IClassFixture<RedisServerFixture>
{
    private readonly AuthKitStandIn _authKit;
    private readonly RedisServerFixture _redis;

    public DataProtectionCacheTests(AuthKitFixture fixture, RedisServerFixture redis)
    {
        _authKit = fixture.Reset();
        _redis = redis;
    }

    [Fact]
    public void Protector_round_trips_and_rejects_tampering_and_foreign_keys()
    {
        var protector = new DataProtectionTokenCacheValueProtector(new EphemeralDataProtectionProvider());
        var plaintext = Encoding.UTF8.GetBytes("{\"s\":\"user_01\",\"m\":\"ada@example.com\"}");

        const string key = "tokenvalidation:v1:https://mcp.example.com/mcp:abc";
        var protectedValue = protector.Protect(key, plaintext);
        var tampered = (byte[])protectedValue.Clone();
        tampered[^1] ^= 1;

        Assert.Equal(plaintext, protector.Unprotect(key, protectedValue));
        Assert.DoesNotContain("ada@example.com", Encoding.UTF8.GetString(protectedValue), StringComparison.Ordinal);
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(key, tampered));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(key + "x", protectedValue));
        Assert.ThrowsAny<CryptographicException>(() => new DataProtectionTokenCacheValueProtector(new EphemeralDataProtectionProvider()).Unprotect(key, protectedValue));
    }

    [Fact]
    public async Task Replicas_sharing_a_key_ring_read_each_others_protected_entries_and_redis_never_sees_the_email()
    {
        await _redis.FlushAllAsync();
        var instance = "dp-" + Guid.NewGuid().ToString("N");
        var keyRing = new EphemeralDataProtectionProvider();
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_dp", "secret.person@example.com", "Secret Person");

        await using var first = Replica(instance, keyRing);
        var result = await first.GetRequiredService<ITokenValidationService>().ValidateAsync(token);
        var keys = await _redis.KeysAsync();

        await using var second = Replica(instance, keyRing);
        var fromSecond = await second.GetRequiredService<ITokenValidationService>().ValidateAsync(token);

        Assert.True(result.IsValid);
        // Everything the real redis-server holds, read with its own commands: one entry, and no field of it names the user.
        var key = Assert.Single(keys);
        var fields = await _redis.HashGetAllAsync(key);
        Assert.NotEmpty(fields);
        foreach (var value in fields.Values)
        {
            Assert.DoesNotContain("secret.person", Encoding.UTF8.GetString(value), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Secret Person", Encoding.UTF8.GetString(value), StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("secret.person", key, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("secret.person@example.com", fromSecond.Identity?.Email);
        Assert.Equal(1, _authKit.UserInfoCalls);

        // A replica with another key ring cannot read the value: a miss, answered by AuthKit, never an error.
        await using var stranger = Replica(instance, new EphemeralDataProtectionProvider());
        var fromStranger = await stranger.GetRequiredService<ITokenValidationService>().ValidateAsync(token);
        Assert.True(fromStranger.IsValid);
        Assert.Equal(2, _authKit.UserInfoCalls);
    }

    private ServiceProvider Replica(string instanceName, IDataProtectionProvider keyRing) =>
        Caching.ProtectedRedisReplica.Build(_redis.ConnectionString, _authKit.Authority, instanceName, keyRing);
}
