using StackExchange.Redis;

namespace TokenValidation.StackExchangeRedis;

/// <summary>Options of the Redis invalidation channel (<see cref="RedisInvalidationBuilderExtensions.AddRedisInvalidation"/>).</summary>
public sealed class RedisInvalidationOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string (for example <c>redis:6379</c>), usually the same as the level-2
    /// cache's. Either this or <see cref="ConnectionMultiplexerFactory"/> is required.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Supplies the connection instead of <see cref="Configuration"/>, for example one the application already shares.
    /// A connection from here is the application's to dispose. It should be created with <c>AbortOnConnectFail=false</c>
    /// so it keeps reconnecting (and resubscribing) after an outage.
    /// </summary>
    public Func<Task<IConnectionMultiplexer>>? ConnectionMultiplexerFactory { get; set; }

    /// <summary>
    /// The pub/sub channel's prefix. The cache's <c>InstanceName</c> (by default the resource URL) is appended, so two
    /// MCP servers sharing one Redis never invalidate each other's entries. Default <c>tokenvalidation:v1:invalidate:</c>.
    /// </summary>
    public string ChannelPrefix { get; set; } = "tokenvalidation:v1:invalidate:";

    /// <summary>How long publishing one invalidation may take before it is abandoned (and logged). Default 1 second.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
