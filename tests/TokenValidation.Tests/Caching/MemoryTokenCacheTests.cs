using TokenValidation.Caching;

namespace TokenValidation.Tests.Caching;

/// <summary>CONTRACT §7: the level-1 bound counts each key once.</summary>
public sealed class MemoryTokenCacheTests
{
    [Fact]
    public void Setting_a_key_again_replaces_its_entry_without_counting_it_twice()
    {
        var cache = new MemoryTokenCache(maxEntries: 10);
        var key = TokenHash.Compute("mat_same");
        var first = new CacheEntry(TokenCheckResult.Invalid("first"), DateTimeOffset.MaxValue);
        var second = new CacheEntry(TokenCheckResult.Invalid("second"), DateTimeOffset.MaxValue);

        cache.Set(key, first, 0);
        cache.Set(key, second, 0);

        Assert.True(cache.TryGet(key, 0, out var found));
        Assert.Same(second, found);
        Assert.Equal(1, cache.TrackedCount);
    }
}
