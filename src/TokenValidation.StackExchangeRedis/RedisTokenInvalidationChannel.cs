using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TokenValidation.Caching;

namespace TokenValidation.StackExchangeRedis;

/// <summary>
/// Invalidations over one Redis pub/sub channel per cache instance: the message is the token's 32-byte SHA-256. The
/// connection is made in the background on first use and, made from <see cref="RedisInvalidationOptions.Configuration"/>,
/// keeps reconnecting and resubscribing after an outage; nothing here ever throws into a request.
/// </summary>
internal sealed class RedisTokenInvalidationChannel : ITokenInvalidationChannel, IDisposable
{
    private readonly RedisInvalidationOptions _options;
    private readonly RedisChannel _channel;
    private readonly string _channelName;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Task<IConnectionMultiplexer?>? _connecting;
    private ConnectionMultiplexer? _owned;
    private int _publishFailures;
    private bool _disposed;

    public RedisTokenInvalidationChannel(
        IOptions<RedisInvalidationOptions> options,
        IOptions<TokenCacheOptions> cacheOptions,
        ILogger<RedisTokenInvalidationChannel> logger)
    {
        _options = options.Value;
        _channelName = _options.ChannelPrefix + (cacheOptions.Value.InstanceName ?? "");
        _channel = RedisChannel.Literal(_channelName);
        _logger = logger;
    }

    /// <summary>The pub/sub channel's name: the prefix and the cache instance name.</summary>
    public string ChannelName => _channelName;

    public async ValueTask PublishAsync(ReadOnlyMemory<byte> tokenHash, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await ConnectAsync().WaitAsync(_options.PublishTimeout, cancellationToken).ConfigureAwait(false)
                ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "The invalidation channel has no connection.");
            await connection.GetSubscriber().PublishAsync(_channel, tokenHash.ToArray()).WaitAsync(_options.PublishTimeout, cancellationToken).ConfigureAwait(false);
            int failures = Interlocked.Exchange(ref _publishFailures, 0);
            if (failures > 0)
            {
                RedisInvalidationLog.PublishRecovered(_logger, _channelName, failures);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // One warning when failures start and one per hundred after: an outage is not a log flood.
            int failures = Interlocked.Increment(ref _publishFailures);
            if (failures == 1 || failures % 100 == 0)
            {
                RedisInvalidationLog.PublishFailed(_logger, ex, ShortHash(tokenHash.Span), _channelName, failures);
            }
        }
    }

    public IDisposable Subscribe(Action<ReadOnlyMemory<byte>> onInvalidated)
    {
        ArgumentNullException.ThrowIfNull(onInvalidated);
        var subscription = new Subscription(this, onInvalidated);

        // In the background: the caller (the validation service's constructor) never waits for Redis.
        _ = Task.Run(subscription.StartAsync);
        return subscription;
    }

    public void Dispose()
    {
        ConnectionMultiplexer? owned;
        lock (_lock)
        {
            _disposed = true;
            owned = _owned;
            _owned = null;
        }

        owned?.Dispose();
    }

    private Task<IConnectionMultiplexer?> ConnectAsync()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // A failed attempt (a factory that threw) is retried on the next use rather than remembered forever.
            if (_connecting is null || (_connecting.IsCompleted && _connecting is not { IsCompletedSuccessfully: true, Result: not null }))
            {
                _connecting = ConnectCoreAsync();
            }

            return _connecting;
        }
    }

    private async Task<IConnectionMultiplexer?> ConnectCoreAsync()
    {
        try
        {
            if (_options.ConnectionMultiplexerFactory is { } factory)
            {
                return await factory().ConfigureAwait(false);
            }

            var configuration = ConfigurationOptions.Parse(_options.Configuration!);

            // Keep trying in the background instead of failing: subscriptions come back with the connection.
            configuration.AbortOnConnectFail = false;
            var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            lock (_lock)
            {
                if (!_disposed)
                {
                    _owned = connection;
                    return connection;
                }
            }

            connection.Dispose();
            return null;
        }
        catch (Exception ex)
        {
            RedisInvalidationLog.SubscribeFailed(_logger, ex, _channelName);
            return null;
        }
    }

    private static string ShortHash(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash[..Math.Min(4, hash.Length)]);

    /// <summary>One subscriber's registration: its handler stays registered with the connection across reconnects.</summary>
    private sealed class Subscription(RedisTokenInvalidationChannel owner, Action<ReadOnlyMemory<byte>> onInvalidated) : IDisposable
    {
        private IConnectionMultiplexer? _connection;
        private Action<RedisChannel, RedisValue>? _handler;
        private volatile bool _disposed;

        public async Task StartAsync()
        {
            try
            {
                var connection = await owner.ConnectAsync().ConfigureAwait(false);
                if (connection is null || _disposed)
                {
                    return;
                }

                _connection = connection;
                _handler = Receive;

                // The handler is registered before the server is asked, so a Redis that is down now gets it on reconnect.
                await connection.GetSubscriber().SubscribeAsync(owner._channel, _handler).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not ObjectDisposedException)
            {
                RedisInvalidationLog.SubscribeFailed(owner._logger, ex, owner._channelName);
            }
            catch (ObjectDisposedException)
            {
                // Disposed while connecting: nothing to subscribe.
            }
        }

        public void Dispose()
        {
            _disposed = true;
            if (_connection is { } connection && _handler is { } handler)
            {
                try
                {
                    connection.GetSubscriber().Unsubscribe(owner._channel, handler, CommandFlags.FireAndForget);
                }
                catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
                {
                    // Shutting down with Redis away: nothing left to unsubscribe from.
                }
            }
        }

        private void Receive(RedisChannel channel, RedisValue message)
        {
            if (_disposed)
            {
                return;
            }

            byte[]? hash = message;
            if (hash is not { Length: 32 })
            {
                return;
            }

            RedisInvalidationLog.Received(owner._logger, ShortHash(hash), owner._channelName);
            try
            {
                onInvalidated(hash);
            }
            catch (Exception ex)
            {
                RedisInvalidationLog.SubscriberThrew(owner._logger, ex, ShortHash(hash));
            }
        }
    }
}
