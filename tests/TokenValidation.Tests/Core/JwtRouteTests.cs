using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace TokenValidation.Tests.Core;

/// <summary>
/// CONTRACT §3 and §7: a JWS-shaped token goes to the JWT validator even when a fallback is registered; its answers are
/// local (checked against cached keys), so without a fallback its negative answers stay out of level 2, and with one
/// (which may answer for it upstream) they are shared like any issuer's.
/// </summary>
public sealed class JwtRouteTests
{
    [Fact]
    public async Task A_JWS_from_a_trusted_issuer_goes_to_the_JWT_validator_not_to_the_fallback()
    {
        await using var host = await CoreHost.StartAsync(configure: b => b.AddFallbackValidator<CountingValidator>("fallback"));

        var jws = await host.Validation.ValidateAsync(Hs256Jws(host.AuthKit.Authority));
        var opaque = await host.Validation.ValidateAsync("opaque_0123456789abcdef");

        Assert.Equal(TokenValidationOutcome.Invalid, jws.Outcome);
        Assert.Equal("The token is signed with an algorithm this server does not accept.", jws.ErrorDescription);
        Assert.True(opaque.IsValid);
        Assert.Equal(1, host.Services.GetRequiredService<CountingValidator>().Calls);
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task Without_a_fallback_the_JWT_validators_no_is_kept_in_level_1_only()
    {
        var l2 = new WriteCountingCache();
        await using var host = await CoreHost.StartAsync(configure: b => b.AddDistributedCache(), services: s => s.AddSingleton<IDistributedCache>(l2));
        string token = Hs256Jws(host.AuthKit.Authority);

        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(token)).Outcome);

        Assert.Equal(1, host.Service.Cache.Negative.Count);
        Assert.Equal(0, l2.Writes);
    }

    [Fact]
    public async Task With_a_fallback_the_JWT_validators_no_is_shared_through_level_2()
    {
        var l2 = new WriteCountingCache();
        await using var host = await CoreHost.StartAsync(
            configure: b => b.AddDistributedCache().AddFallbackValidator<CountingValidator>("fallback"),
            services: s => s.AddSingleton<IDistributedCache>(l2));

        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(Hs256Jws(host.AuthKit.Authority))).Outcome);

        Assert.Equal(1, l2.Writes);
    }

    [Fact]
    public async Task A_malformed_JWS_is_never_cached_so_garbage_cannot_evict_the_issuers_no()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Cache:MaxInvalidEntries"] = "1" });
        const string Unknown = "mat_unknown_to_the_issuer_0123456789";
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(Unknown)).Outcome);

        // No iss: the JWT route rejects it before any key lookup, and keeps nothing.
        var garbage = await host.Validation.ValidateAsync("eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        Assert.Equal(TokenValidationOutcome.Invalid, garbage.Outcome);
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(Unknown)).Outcome);

        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    // A well-formed JWS naming the issuer, signed with HMAC: refused before any key is fetched, so no network call.
    private static string Hs256Jws(string issuer) =>
        Segment("""{"alg":"HS256","typ":"JWT"}""") + "." + Segment($$"""{"iss":"{{issuer}}","sub":"user_01"}""") + ".c2lnbmF0dXJl";

    private static string Segment(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The framework's in-memory distributed cache, with its writes counted.</summary>
    private sealed class WriteCountingCache : IDistributedCache
    {
        private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public byte[]? Get(string key) => _inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => _inner.GetAsync(key, token);

        public void Refresh(string key) => _inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => _inner.RefreshAsync(key, token);

        public void Remove(string key) => _inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => _inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            Interlocked.Increment(ref _writes);
            _inner.Set(key, value, options);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Interlocked.Increment(ref _writes);
            return _inner.SetAsync(key, value, options, token);
        }
    }
}
