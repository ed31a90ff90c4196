using Microsoft.AspNetCore.DataProtection;

namespace TokenValidation.AspNetCore.Tests.Caching;

/// <summary>One replica as an application wires it: AuthKit, L2 on a real Redis, values protected with <paramref name="keyRing"/>.</summary>
internal static class ProtectedRedisReplica
{
    public static ServiceProvider Build(string redisConnection, string authority, string instanceName, IDataProtectionProvider keyRing)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddStackExchangeRedisCache(o => o.Configuration = redisConnection);
        services.AddTokenValidation()
            .AddAuthKit(o =>
            {
                o.Authority = authority;
                o.AllowHttp = true;
            })
            .AddDistributedCache(o =>
            {
                o.InstanceName = instanceName;
                o.DistributedCacheTimeout = TimeSpan.FromSeconds(5);
            })
            .ProtectDistributedCacheValues();
        services.AddSingleton(keyRing);
        return services.BuildServiceProvider();
    }
}
