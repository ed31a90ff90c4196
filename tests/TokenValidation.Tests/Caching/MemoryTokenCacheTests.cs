using TokenValidation.Caching;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7: level 1 is bounded and counts each key once. Past the bound, entries past their retention go first, then
/// live ones down to nine tenths of the bound, never the one just added; an entry is served until its retention ends.
/// </summary>
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

    [Fact]
    public void Filling_to_the_bound_keeps_everything_and_one_more_compacts_to_nine_tenths_keeping_the_new_entry()
    {
        var cache = new MemoryTokenCache(maxEntries: 100);
        for (int i = 0; i < 100; i++)
        {
            cache.Set(Key(i), Live(), 0);
        }

        Assert.Equal(100, cache.Count);

        cache.Set(Key(100), Live(), 0);

        Assert.Equal(90, cache.Count);
        Assert.Equal(90, cache.TrackedCount);
        Assert.True(cache.TryGet(Key(100), 0, out _));
    }

    [Fact]
    public void A_bound_below_ten_still_evicts_at_least_one_entry()
    {
        var cache = new MemoryTokenCache(maxEntries: 5);
        for (int i = 0; i < 6; i++)
        {
            cache.Set(Key(i), Live(), 0);
        }

        Assert.Equal(4, cache.Count);
        Assert.True(cache.TryGet(Key(5), 0, out _));
    }

    [Fact]
    public void Entries_whose_retention_has_ended_are_evicted_before_any_live_one()
    {
        var cache = new MemoryTokenCache(maxEntries: 10);
        const long Now = 1_000;
        for (int i = 0; i < 5; i++)
        {
            cache.Set(Key(i), RetainedUntil(Now), 0);
        }

        for (int i = 5; i < 10; i++)
        {
            cache.Set(Key(i), Live(), 0);
        }

        cache.Set(Key(10), Live(), Now);

        Assert.Equal(6, cache.Count);
        for (int i = 5; i <= 10; i++)
        {
            Assert.True(cache.TryGet(Key(i), Now, out _), $"live entry {i}");
        }
    }

    [Fact]
    public void An_entry_is_served_until_its_retention_ends_and_then_dropped()
    {
        var cache = new MemoryTokenCache(maxEntries: 10);
        cache.Set(Key(0), RetainedUntil(100), 0);

        Assert.True(cache.TryGet(Key(0), 99, out _));
        Assert.False(cache.TryGet(Key(0), 100, out var gone));
        Assert.Null(gone);
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.TrackedCount);
    }

    [Fact]
    public void Removing_an_entry_frees_its_place_under_the_bound()
    {
        var cache = new MemoryTokenCache(maxEntries: 2);
        cache.Set(Key(0), Live(), 0);
        cache.Set(Key(1), Live(), 0);

        cache.Remove(Key(0));
        Assert.Equal(1, cache.TrackedCount);
        // Removing what is gone already changes nothing.
        cache.Remove(Key(0));
        Assert.Equal(1, cache.TrackedCount);
        cache.Set(Key(2), Live(), 0);

        Assert.Equal(2, cache.TrackedCount);
        Assert.True(cache.TryGet(Key(1), 0, out _));
        Assert.True(cache.TryGet(Key(2), 0, out _));
    }

    private static TokenHash Key(int i) => TokenHash.Compute($"mat_key_{i}");

    private static CacheEntry Live() => new(TokenCheckResult.Invalid("live"), DateTimeOffset.MaxValue);

    private static CacheEntry RetainedUntil(long ticks) =>
        new(TokenCheckResult.Invalid("retained"), new DateTimeOffset(ticks, TimeSpan.Zero));
}
