using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace TokenValidation.Redis;

/// <summary>
/// A small <see cref="IDistributedCache"/> over StackExchange.Redis 1.2.6, for tests, benchmarks and the
/// sample (not shipped; production apps use <c>AddStackExchangeRedisCache</c>).
/// </summary>
/// <remarks>
/// <para>
/// Each entry is a plain Redis string: <c>SET {InstanceName}{key} value PX ms</c> (the TTL comes from
/// <see cref="DistributedCacheEntryOptions.AbsoluteExpiration"/> or
/// <see cref="DistributedCacheEntryOptions.AbsoluteExpirationRelativeToNow"/>, whichever ends first).
/// </para>
/// <para>
/// Sliding expiration is applied only as an upper bound on the initial TTL: reads do not extend an entry and
/// <see cref="Refresh"/> / <see cref="RefreshAsync"/> do nothing (no metadata is stored next to the value).
/// </para>
/// <para>
/// The connection is made on first use with <c>abortConnect=false</c> and re-established in the background after
/// failures. Every operation fails fast rather than hangs: when Redis is down or slow it throws
/// (<see cref="RedisConnectionException"/>, <see cref="TimeoutException"/>, <see cref="RedisTimeoutException"/>)
/// within about <see cref="RedisDistributedCacheOptions.OperationTimeout"/> (plus, only while no connection has
/// ever been established, <see cref="RedisDistributedCacheOptions.ConnectTimeout"/>). Callers treat exceptions as
/// misses.
/// </para>
/// </remarks>
public sealed class RedisDistributedCache : IDistributedCache, IDisposable
{
    private readonly RedisDistributedCacheOptions _options;
    private readonly ConfigurationOptions _configuration;
    private readonly string _prefix;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private volatile ConnectionMultiplexer? _connection;
    private volatile bool _disposed;

    /// <summary>Creates the cache. No connection is made until the first operation.</summary>
    /// <param name="options">The options; <see cref="RedisDistributedCacheOptions.Configuration"/> is required.</param>
    /// <exception cref="ArgumentException">The configuration string is empty or a timeout is not positive.</exception>
    public RedisDistributedCache(RedisDistributedCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Configuration, nameof(options) + "." + nameof(options.Configuration));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options) + "." + nameof(options.TimeProvider));
        if (options.OperationTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.OperationTimeout, "OperationTimeout must be positive.");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ConnectTimeout, "ConnectTimeout must be positive.");
        }

        _options = options;
        EnsureThreadPoolMinimum(options.MinimumThreadPoolThreads);
        _prefix = options.InstanceName ?? string.Empty;

        var operationMs = ToMilliseconds(options.OperationTimeout);
        var connectMs = ToMilliseconds(options.ConnectTimeout);
        _configuration = ConfigurationOptions.Parse(options.Configuration);
        _configuration.AbortOnConnectFail = false;
        _configuration.ConnectTimeout = connectMs;
        _configuration.SyncTimeout = operationMs;
        _configuration.ResponseTimeout = operationMs;
        _configuration.ConnectRetry = 1;
        // Background reconnect attempts (driven by the library's 1 s heartbeat) at most once per ConnectTimeout.
        _configuration.ReconnectRetryPolicy = new LinearRetry(connectMs);
    }

    /// <summary>Whether a connection to Redis is currently established.</summary>
    public bool IsConnected => _connection?.IsConnected ?? false;

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var database = GetDatabase();
        using var _ = NoSynchronizationContext.Enter();
        return database.StringGet(_prefix + key);
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        var database = await GetDatabaseAsync(token).ConfigureAwait(false);
        Task<RedisValue> operation;
        using (NoSynchronizationContext.Enter())
        {
            operation = database.StringGetAsync(_prefix + key);
        }

        return await WithTimeout(operation, token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var ttl = GetTimeToLive(options);
        var database = GetDatabase();
        using var _ = NoSynchronizationContext.Enter();
        database.StringSet(_prefix + key, value, ttl);
    }

    /// <inheritdoc />
    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        token.ThrowIfCancellationRequested();
        var ttl = GetTimeToLive(options);
        var database = await GetDatabaseAsync(token).ConfigureAwait(false);
        Task<bool> operation;
        using (NoSynchronizationContext.Enter())
        {
            operation = database.StringSetAsync(_prefix + key, value, ttl);
        }

        await WithTimeout(operation, token).ConfigureAwait(false);
    }

    /// <summary>Does nothing: sliding expiration is not tracked (see the type's remarks).</summary>
    /// <param name="key">The key (validated, otherwise ignored).</param>
    public void Refresh(string key) => ArgumentNullException.ThrowIfNull(key);

    /// <summary>Does nothing: sliding expiration is not tracked (see the type's remarks).</summary>
    /// <param name="key">The key (validated, otherwise ignored).</param>
    /// <param name="token">Cancellation.</param>
    /// <returns>A completed task.</returns>
    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return token.IsCancellationRequested ? Task.FromCanceled(token) : Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var database = GetDatabase();
        using var _ = NoSynchronizationContext.Enter();
        database.KeyDelete(_prefix + key);
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        var database = await GetDatabaseAsync(token).ConfigureAwait(false);
        Task<bool> operation;
        using (NoSynchronizationContext.Enter())
        {
            operation = database.KeyDeleteAsync(_prefix + key);
        }

        await WithTimeout(operation, token).ConfigureAwait(false);
    }

    /// <summary>Closes the connection. Later operations throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var connection = _connection;
        _connection = null;
        connection?.Close(allowCommandsToComplete: false);
        connection?.Dispose();
    }

    private TimeSpan? GetTimeToLive(DistributedCacheEntryOptions options)
    {
        var now = _options.TimeProvider.GetUtcNow();
        TimeSpan? ttl = null;

        if (options.AbsoluteExpiration is { } absolute)
        {
            if (absolute <= now)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(options),
                    absolute,
                    "The absolute expiration value must be in the future.");
            }

            ttl = absolute - now;
        }

        if (options.AbsoluteExpirationRelativeToNow is { } relative)
        {
            if (relative <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(options),
                    relative,
                    "The relative expiration value must be positive.");
            }

            ttl = ttl is null || relative < ttl ? relative : ttl;
        }

        if (options.SlidingExpiration is { } sliding)
        {
            if (sliding <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(options),
                    sliding,
                    "The sliding expiration value must be positive.");
            }

            ttl = ttl is null || sliding < ttl ? sliding : ttl;
        }

        // Redis PX needs at least 1 ms; round sub-millisecond remainders up so an entry never lives "0 ms".
        if (ttl is { } value && value < TimeSpan.FromMilliseconds(1))
        {
            ttl = TimeSpan.FromMilliseconds(1);
        }

        return ttl;
    }

    private IDatabase GetDatabase()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = _connection;
        if (connection is null)
        {
            if (!_connectLock.Wait(_options.ConnectTimeout + _options.OperationTimeout))
            {
                throw new TimeoutException("Timed out waiting for another caller to connect to Redis.");
            }

            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_connection is null)
                {
                    using var _ = NoSynchronizationContext.Enter();
                    _connection = ConnectionMultiplexer.Connect(_configuration);
                }

                connection = _connection;
            }
            finally
            {
                _connectLock.Release();
            }
        }

        return connection.GetDatabase();
    }

    private async ValueTask<IDatabase> GetDatabaseAsync(CancellationToken token)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = _connection;
        if (connection is null)
        {
            var limit = _options.ConnectTimeout + _options.OperationTimeout;
            if (!await _connectLock.WaitAsync(limit, token).ConfigureAwait(false))
            {
                throw new TimeoutException("Timed out waiting for another caller to connect to Redis.");
            }

            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                connection = _connection;
                if (connection is null)
                {
                    // With abortConnect=false this completes after at most ConnectTimeout (connected or not) and the
                    // multiplexer keeps retrying in the background; bound it anyway in case the old library stalls.
                    Task<ConnectionMultiplexer> connect;
                    using (NoSynchronizationContext.Enter())
                    {
                        connect = ConnectionMultiplexer.ConnectAsync(_configuration);
                    }

                    try
                    {
                        connection = await connect.WaitAsync(limit, token).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                    }
                    catch
                    {
                        // If the abandoned attempt completes later, do not leak its connection.
                        _ = connect.ContinueWith(
                            static t =>
                            {
                                if (t.Status == TaskStatus.RanToCompletion)
                                {
                                    t.Result.Dispose();
                                }
                                else
                                {
                                    _ = t.Exception;
                                }
                            },
                            CancellationToken.None,
                            TaskContinuationOptions.ExecuteSynchronously,
                            TaskScheduler.Default);
                        throw;
                    }

                    _connection = connection;
                    if (_disposed)
                    {
                        connection.Dispose();
                        ObjectDisposedException.ThrowIf(true, this);
                    }
                }
            }
            finally
            {
                _connectLock.Release();
            }
        }

        return connection.GetDatabase();
    }

    /// <summary>
    /// StackExchange.Redis 1.x does not reliably time out async commands on its own (its checks run on a 1 s
    /// heartbeat), so bound each one by <see cref="RedisDistributedCacheOptions.OperationTimeout"/>.
    /// </summary>
    private async Task<T> WithTimeout<T>(Task<T> operation, CancellationToken token)
    {
        try
        {
            // ForceYielding: never resume the caller on the library's socket-reader thread. 1.2.6 completes tasks
            // inline there, so a caller that then makes a synchronous call (or blocks) on it would stall the reader
            // and its own reply until the next 1 s heartbeat.
            return await operation.WaitAsync(_options.OperationTimeout, token).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
        catch when (!operation.IsCompleted)
        {
            // Observe the abandoned operation's eventual failure so it does not surface as an unobserved exception.
            _ = operation.ContinueWith(
                static t => _ = t.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// StackExchange.Redis 1.2.6 awaits without <c>ConfigureAwait(false)</c> inside, so its socket reader would be
    /// posted to whatever <see cref="SynchronizationContext"/> the caller has (xunit's, a UI one) and starve when
    /// that context's threads block on a synchronous call. Every call into the library runs with none.
    /// </summary>
    private readonly struct NoSynchronizationContext : IDisposable
    {
        private readonly SynchronizationContext? _saved;

        private NoSynchronizationContext(SynchronizationContext? saved) => _saved = saved;

        public static NoSynchronizationContext Enter()
        {
            var saved = SynchronizationContext.Current;
            if (saved is not null)
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }

            return new NoSynchronizationContext(saved);
        }

        public void Dispose()
        {
            if (_saved is not null)
            {
                SynchronizationContext.SetSynchronizationContext(_saved);
            }
        }
    }

    private static void EnsureThreadPoolMinimum(int minimum)
    {
        if (minimum <= 0)
        {
            return;
        }

        ThreadPool.GetMinThreads(out var worker, out var io);
        if (worker < minimum || io < minimum)
        {
            ThreadPool.SetMinThreads(Math.Max(worker, minimum), Math.Max(io, minimum));
        }
    }

    private static int ToMilliseconds(TimeSpan value) =>
        (int)Math.Clamp(Math.Ceiling(value.TotalMilliseconds), 1, int.MaxValue);
}
