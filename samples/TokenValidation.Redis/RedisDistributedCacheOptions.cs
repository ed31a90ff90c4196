namespace TokenValidation.Redis;

/// <summary>Options for <see cref="RedisDistributedCache"/>.</summary>
public sealed class RedisDistributedCacheOptions
{
    /// <summary>
    /// StackExchange.Redis configuration string, for example <c>"127.0.0.1:6379"</c>.
    /// <c>abortConnect</c>, <c>connectTimeout</c>, <c>syncTimeout</c> and <c>responseTimeout</c> are always
    /// overridden from <see cref="ConnectTimeout"/> and <see cref="OperationTimeout"/>.
    /// </summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>Optional prefix prepended to every key (for example <c>"myapp:"</c>).</summary>
    public string? InstanceName { get; set; }

    /// <summary>
    /// Upper bound for one cache operation once connected. An operation that takes longer throws
    /// <see cref="TimeoutException"/>. Default 250 ms.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Upper bound for establishing the connection (first use, and each background reconnect attempt).
    /// Default 1 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// On creation, raise the thread pool's minimum worker (and I/O) thread count to at least this (0: leave it
    /// alone). Default 32. StackExchange.Redis 1.2.6 on .NET Core completes every reply on a thread-pool thread; on a
    /// small machine (minimum = core count) a few blocked threads starve it and replies wait ~1 s for the pool to
    /// grow, far past <see cref="OperationTimeout"/>. This is the library's own long-standing advice for 1.x.
    /// </summary>
    public int MinimumThreadPoolThreads { get; set; } = 32;

    /// <summary>
    /// Clock used to turn <see cref="Microsoft.Extensions.Caching.Distributed.DistributedCacheEntryOptions.AbsoluteExpiration"/>
    /// into a time to live. Default <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
