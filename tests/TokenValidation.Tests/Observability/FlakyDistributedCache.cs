using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;

namespace TokenValidation.Tests.Observability;

/// <summary>An in-memory <see cref="IDistributedCache"/> that can be told to fail every call, like a Redis that went away.</summary>
internal sealed class FlakyDistributedCache : IDistributedCache
{
    private readonly ConcurrentDictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private volatile bool _failing;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public IReadOnlyCollection<string> Keys => [.. _values.Keys];

    public byte[]? Get(string key) => Check() ?? (_values.TryGetValue(key, out var value) ? value : null);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Refresh(string key) => Check();

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Refresh(key);
        return Task.CompletedTask;
    }

    public void Remove(string key)
    {
        Check();
        _values.TryRemove(key, out _);
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        Check();
        _values[key] = value;
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    private byte[]? Check() => _failing ? throw new InvalidOperationException("The distributed cache is unreachable (test).") : null;
}
