using Microsoft.Extensions.Caching.Distributed;

namespace TokenValidation.Tests.Redis;

/// <summary>Passes every call to the real Redis cache and counts them, so tests can see when level 2 is skipped.</summary>
internal sealed class CountingDistributedCache(IDistributedCache inner) : IDistributedCache, IDisposable
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The decorated cache, for calls the test must not count (such as warming its connection).</summary>
    public IDistributedCache Inner => inner;

    /// <summary>
    /// Wraps the <see cref="IDistributedCache"/> registered last (here the one <c>AddStackExchangeRedisCache</c> adds)
    /// in a counting decorator, resolvable as itself and as <see cref="IDistributedCache"/>.
    /// </summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IDistributedCache));
        services.Remove(registered);
        services.AddSingleton(sp => new CountingDistributedCache(Create(sp, registered)));
        services.AddSingleton<IDistributedCache>(sp => sp.GetRequiredService<CountingDistributedCache>());
    }

    public byte[]? Get(string key) => Count(() => inner.Get(key));

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Count(() => inner.GetAsync(key, token));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Count(() => { inner.Set(key, value, options); return 0; });

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => Count(() => inner.SetAsync(key, value, options, token));

    public void Refresh(string key) => Count(() => { inner.Refresh(key); return 0; });

    public Task RefreshAsync(string key, CancellationToken token = default) => Count(() => inner.RefreshAsync(key, token));

    public void Remove(string key) => Count(() => { inner.Remove(key); return 0; });

    public Task RemoveAsync(string key, CancellationToken token = default) => Count(() => inner.RemoveAsync(key, token));

    /// <summary>Closes the inner cache's Redis connection with the host.</summary>
    public void Dispose() => (inner as IDisposable)?.Dispose();

    private static IDistributedCache Create(IServiceProvider services, ServiceDescriptor registered) => (IDistributedCache)(
        registered.ImplementationInstance
        ?? registered.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, registered.ImplementationType!));

    private T Count<T>(Func<T> call)
    {
        Interlocked.Increment(ref _calls);
        return call();
    }
}
