using TokenValidation.Caching;

namespace TokenValidation.Tests.Core;

/// <summary>
/// An invalidation channel inside one process: what is published reaches every subscriber at once, and the test can
/// deliver a message as if another replica had published it. Records what was published.
/// </summary>
internal sealed class InProcessInvalidationChannel : ITokenInvalidationChannel
{
    private readonly Lock _lock = new();
    private readonly List<Action<ReadOnlyMemory<byte>>> _subscribers = [];
    private readonly List<byte[]> _published = [];

    public int Subscribers
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    public IReadOnlyList<byte[]> Published
    {
        get
        {
            lock (_lock)
            {
                return [.. _published];
            }
        }
    }

    public ValueTask PublishAsync(ReadOnlyMemory<byte> tokenHash, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _published.Add(tokenHash.ToArray());
        }

        Deliver(tokenHash.ToArray());
        return default;
    }

    /// <summary>Hands <paramref name="message"/> to every subscriber, as a message from another replica would arrive.</summary>
    public void Deliver(byte[] message)
    {
        Action<ReadOnlyMemory<byte>>[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber(message);
        }
    }

    public IDisposable Subscribe(Action<ReadOnlyMemory<byte>> onInvalidated)
    {
        lock (_lock)
        {
            _subscribers.Add(onInvalidated);
        }

        return new Subscription(this, onInvalidated);
    }

    private sealed class Subscription(InProcessInvalidationChannel channel, Action<ReadOnlyMemory<byte>> subscriber) : IDisposable
    {
        public void Dispose()
        {
            lock (channel._lock)
            {
                channel._subscribers.Remove(subscriber);
            }
        }
    }
}
