using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TokenValidation.Redis;

/// <summary>Registration helpers for <see cref="RedisDistributedCache"/>.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="RedisDistributedCache"/> as the singleton <see cref="IDistributedCache"/>,
    /// replacing any previously registered one.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options (at least <see cref="RedisDistributedCacheOptions.Configuration"/>).</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddRedisDistributedCache(
        this IServiceCollection services,
        Action<RedisDistributedCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        var options = new RedisDistributedCacheOptions();
        configure(options);
        services.RemoveAll<IDistributedCache>();
        services.AddSingleton<IDistributedCache>(_ => new RedisDistributedCache(options));
        return services;
    }
}
