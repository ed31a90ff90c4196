using Microsoft.Extensions.Caching.Distributed;
using TokenValidation.Caching;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §4 and §7: a level-2 value that cannot be read is a miss, never Unavailable, whatever the application's
/// protector throws while reading it (a key ring it cannot reach, a bug): the request goes to the issuer.
/// </summary>
public sealed class ThrowingProtectorTests
{
    private const string Token = "mat_throwing_protector_0123456789";

    [Fact]
    public async Task A_protector_that_throws_while_reading_makes_the_value_a_miss_and_the_request_goes_upstream()
    {
        var l2 = new ScriptedDistributedCache();
        var protector = new ThrowingProtector();
        await using var host = await CoreHost.StartAsync(
            configure: b => b.AddDistributedCache(),
            services: s => s.AddSingleton<IDistributedCache>(l2).AddSingleton<ITokenCacheValueProtector>(protector));
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);

        // Another replica's view: nothing in level 1, a value in level 2 its protector fails on.
        host.Service.MemoryCache.Remove(TokenHash.Compute(Token));
        protector.Failing = true;
        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    private sealed class ThrowingProtector : ITokenCacheValueProtector
    {
        public bool Failing { get; set; }

        public byte[] Protect(string key, byte[] plaintext) => [.. plaintext];

        public byte[] Unprotect(string key, byte[] protectedData) =>
            Failing ? throw new IOException("The key ring could not be read.") : [.. protectedData];
    }
}
