using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// An in-memory <see cref="IDistributedCache"/> that counts every call, remembers the expiry each write asked for, and can
/// be told to fail, like a Redis that went away. Values never expire on their own: the library's reading is under test.
/// </summary>
internal sealed class ScriptedDistributedCache : IDistributedCache
{
    private readonly ConcurrentDictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DistributedCacheEntryOptions> _options = new(StringComparer.Ordinal);
    private volatile bool _failing;
    private volatile bool _hanging;
    private int _reads;
    private int _writes;
    private int _removes;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>Every asynchronous call is counted and then never completes, like a Redis that stopped answering.</summary>
    public bool Hanging
    {
        get => _hanging;
        set => _hanging = value;
    }

    public int Reads => Volatile.Read(ref _reads);

    public int Writes => Volatile.Read(ref _writes);

    public int Removes => Volatile.Read(ref _removes);

    public int Calls => Reads + Writes + Removes;

    public IReadOnlyCollection<string> Keys => [.. _values.Keys];

    public DistributedCacheEntryOptions OptionsOf(string key) => _options[key];

    public byte[]? Get(string key)
    {
        Interlocked.Increment(ref _reads);
        Check();
        return _values.TryGetValue(key, out var value) ? value : null;
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        _hanging ? Hang<byte[]?>(ref _reads) : Task.FromResult(Get(key));

    public void Refresh(string key) => throw new NotSupportedException("The library never refreshes: its entries have absolute expiries.");

    public Task RefreshAsync(string key, CancellationToken token = default) => throw new NotSupportedException("The library never refreshes.");

    public void Remove(string key)
    {
        Interlocked.Increment(ref _removes);
        Check();
        _values.TryRemove(key, out _);
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        if (_hanging)
        {
            return Hang<bool>(ref _removes);
        }

        Remove(key);
        return Task.CompletedTask;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        Interlocked.Increment(ref _writes);
        Check();
        _values[key] = value;
        _options[key] = options;
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (_hanging)
        {
            return Hang<bool>(ref _writes);
        }

        Set(key, value, options);
        return Task.CompletedTask;
    }

    private static Task<T> Hang<T>(ref int counter)
    {
        Interlocked.Increment(ref counter);
        return new TaskCompletionSource<T>().Task;
    }

    private void Check()
    {
        if (_failing)
        {
            throw new InvalidOperationException("The distributed cache is unreachable (test).");
        }
    }
}
