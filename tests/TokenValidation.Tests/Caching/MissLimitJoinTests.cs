using System.Net;
using TokenValidation.Tests.Core;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7: only a miss that costs the issuer something new counts against its client's limit. Joining a fill already
/// in flight for the same token costs nothing and is never refused.
/// </summary>
public sealed class MissLimitJoinTests
{
    [Fact]
    public async Task A_client_joining_a_fill_in_flight_is_not_limited_but_a_new_token_is()
    {
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:ClientMissesPerSecond"] = "1", ["TokenValidation:ClientMissBurst"] = "1" },
            configure: b => b.AddValidator<GatedValidator>("gtd_"));
        var gated = host.Services.GetRequiredService<GatedValidator>();
        var client = IPAddress.Parse("198.51.100.7");
        var first = host.Validation.ValidateForClientAsync("gtd_shared_0123456789", client).AsTask();
        await gated.WaitForInFlightAsync(1);

        var joined = host.Validation.ValidateForClientAsync("gtd_shared_0123456789", client).AsTask();
        var another = await host.Validation.ValidateForClientAsync("gtd_another_0123456789", client);

        Assert.True(another.IsRateLimited);
        Assert.False(joined.IsCompleted);
        gated.Release();
        Assert.True((await first).IsValid);
        Assert.True((await joined).IsValid);
        Assert.Equal(1, gated.Calls);
    }
}
