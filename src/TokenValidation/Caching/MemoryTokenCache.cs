using System.Collections.Concurrent;

namespace TokenValidation.Caching;

/// <summary>
/// Level 1: a bounded in-process map from token hash to answer. Lookups are lock-free and allocation-free; when the
/// bound is reached, entries past their retention go first, then arbitrary ones, down to 90% of the bound. An entry is
/// returned until <see cref="CacheEntry.RetainUntilTicks"/>; whether it is still fresh is the caller's decision.
/// </summary>
internal sealed class MemoryTokenCache
{
    private readonly ConcurrentDictionary<TokenHash, CacheEntry> _entries;
    private readonly int _maxEntries;
    private readonly Lock _compactLock = new();
    private int _count;

    public MemoryTokenCache(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _maxEntries = maxEntries;
        _entries = new ConcurrentDictionary<TokenHash, CacheEntry>(Environment.ProcessorCount, Math.Min(maxEntries, 1024));
    }

    public int Count => _entries.Count;

    /// <summary>The count the bound is enforced with; equal to <see cref="Count"/> whenever no call is in progress.</summary>
    internal int TrackedCount => Volatile.Read(ref _count);

    public bool TryGet(in TokenHash key, long nowTicks, out CacheEntry entry)
    {
        if (_entries.TryGetValue(key, out entry!))
        {
            if (entry.RetainUntilTicks > nowTicks)
            {
                return true;
            }

            Remove(key, entry);
        }

        entry = null!;
        return false;
    }

    public void Set(in TokenHash key, CacheEntry entry, long nowTicks)
    {
        // Replace only what is there: a removal racing this call must not let an add slip past the count.
        while (!_entries.TryAdd(key, entry))
        {
            if (_entries.TryGetValue(key, out var existing) && _entries.TryUpdate(key, entry, existing))
            {
                return;
            }
        }

        // Counting after the add keeps any drift on the high side, so the bound holds once Set returns.
        if (Interlocked.Increment(ref _count) > _maxEntries)
        {
            Compact(key, nowTicks);
        }
    }

    public void Remove(in TokenHash key)
    {
        if (_entries.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void Remove(in TokenHash key, CacheEntry expected)
    {
        if (_entries.TryRemove(new KeyValuePair<TokenHash, CacheEntry>(key, expected)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void Compact(TokenHash justAdded, long nowTicks)
    {
        lock (_compactLock)
        {
            // Another thread may have compacted while this one waited.
            if (Volatile.Read(ref _count) <= _maxEntries)
            {
                return;
            }

            int target = Math.Max(0, _maxEntries - Math.Max(1, _maxEntries / 10));
            foreach (var pair in _entries)
            {
                if (pair.Value.RetainUntilTicks <= nowTicks)
                {
                    Remove(pair.Key, pair.Value);
                }
            }

            // ConcurrentDictionary enumerates in bucket order, i.e. by hash: an unbiased sample of live entries.
            int excess = _entries.Count - target;
            foreach (var pair in _entries)
            {
                if (excess <= 0)
                {
                    break;
                }

                if (!pair.Key.Equals(justAdded))
                {
                    Remove(pair.Key, pair.Value);
                    excess--;
                }
            }

            Volatile.Write(ref _count, _entries.Count);
        }
    }
}
