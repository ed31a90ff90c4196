using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenValidation.Caching;

namespace TokenValidation.StackExchangeRedis;

/// <summary>Turns on cross-replica invalidation over Redis pub/sub.</summary>
public static class RedisInvalidationBuilderExtensions
{
    /// <summary>
    /// Registers an <see cref="ITokenInvalidationChannel"/> over Redis pub/sub: <c>InvalidateAsync</c> on one replica
    /// publishes the token's SHA-256 (never the token) and every replica drops that entry from its level 1, typically
    /// within milliseconds. Redis being down never fails a request: validation does not touch the channel, and a failed
    /// publication is logged and leaves the other replicas with the level-1 lifetime as the bound. Invalidations
    /// published while a replica is disconnected are not replayed to it (pub/sub keeps no history).
    /// </summary>
    /// <param name="builder">The token validation builder.</param>
    /// <param name="configure">Sets <see cref="RedisInvalidationOptions.Configuration"/> or <see cref="RedisInvalidationOptions.ConnectionMultiplexerFactory"/>.</param>
    public static TokenValidationBuilder AddRedisInvalidation(this TokenValidationBuilder builder, Action<RedisInvalidationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RedisInvalidationOptions>()
            .Configure(configure)
            .Validate(
                static o => !string.IsNullOrWhiteSpace(o.Configuration) || o.ConnectionMultiplexerFactory is not null,
                "AddRedisInvalidation needs RedisInvalidationOptions.Configuration (a StackExchange.Redis configuration string such as \"redis:6379\") or ConnectionMultiplexerFactory.")
            .Validate(static o => o.PublishTimeout > TimeSpan.Zero, "RedisInvalidationOptions.PublishTimeout must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<RedisTokenInvalidationChannel>();
        builder.Services.TryAddSingleton<ITokenInvalidationChannel>(static sp => sp.GetRequiredService<RedisTokenInvalidationChannel>());
        return builder;
    }
}
