using System.Net;
using TokenValidation.Resilience;

namespace TokenValidation.Tests.Resilience;

/// <summary>
/// CONTRACT §7, the per-client miss limit's buckets: an IPv4 client and its IPv4-mapped IPv6 form share one; no IPv6
/// client ever shares an IPv4 client's, not even <c>::1</c> beside <c>0.0.0.0</c>; a refused miss may come back after
/// the bucket's one-second refill.
/// </summary>
public sealed class ClientMissPartitionTests
{
    [Fact]
    public void An_ipv4_client_shares_its_bucket_with_its_mapped_form_and_never_with_an_ipv6_client()
    {
        using var limiter = new ClientMissRateLimiter(perSecond: 1, burst: 1);

        Assert.True(limiter.TryAcquire(IPAddress.Any, out _));
        Assert.False(limiter.TryAcquire(IPAddress.Any.MapToIPv6(), out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        Assert.True(limiter.TryAcquire(IPAddress.IPv6Loopback, out _));
        Assert.False(limiter.TryAcquire(IPAddress.IPv6Any, out _));
    }
}
