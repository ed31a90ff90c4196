using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace TokenValidation.Resilience;

/// <summary>
/// Cache misses per client address (CONTRACT §7): a token bucket per address, so one client sending a flood of new
/// tokens is answered 429 after its burst while every other client, and every cached token, is untouched. IPv6
/// addresses are grouped by their /64, the block one host is usually given, so rotating addresses inside it does not
/// buy a new bucket.
/// </summary>
internal sealed class ClientMissRateLimiter : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly PartitionedRateLimiter<UInt128>? _limiter;

    /// <param name="perSecond">Misses per second per client once the burst is spent; 0 turns limiting off.</param>
    /// <param name="burst">Misses a client may make at once.</param>
    public ClientMissRateLimiter(int perSecond, int burst)
    {
        if (perSecond <= 0)
        {
            return;
        }

        // No timer per bucket: the partitioned limiter's own heartbeat refills them and drops idle ones.
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(burst, 1),
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = Period,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        _limiter = PartitionedRateLimiter.Create<UInt128, UInt128>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => options));
    }

    public bool IsEnabled => _limiter is not null;

    /// <summary>Takes one miss from <paramref name="client"/>'s bucket, or says how long until one is available.</summary>
    public bool TryAcquire(IPAddress client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(Partition(client));
        if (lease.IsAcquired)
        {
            return true;
        }

        // A miss takes one token and the bucket refills every period, so the limiter's own hint is always one period.
        retryAfter = Period;
        return false;
    }

    /// <summary>IPv4 (plain or mapped) as its mapped form, IPv6 as its /64 prefix: never equal to each other.</summary>
    internal static UInt128 Partition(IPAddress client)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (client.AddressFamily == AddressFamily.InterNetwork || client.IsIPv4MappedToIPv6)
        {
            client.MapToIPv4().TryWriteBytes(bytes, out _);
            return ((UInt128)0xFFFF << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }

        client.TryWriteBytes(bytes, out _);
        return (UInt128)BinaryPrimitives.ReadUInt64BigEndian(bytes) << 64;
    }

    public void Dispose() => _limiter?.Dispose();
}
