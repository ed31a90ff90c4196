using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace TokenValidation.Tests.Observability;

/// <summary>
/// CONTRACT §9: refreshes ahead, stale answers served and rate-limited misses are counted, each tagged with the source
/// whose tokens they concern.
/// </summary>
public sealed class CacheMetricsTests
{
    private const string Token = "mat_cache_metrics_0123456789abcdefghijklmn";

    [Fact]
    public async Task A_refresh_ahead_a_stale_answer_and_a_rate_limited_miss_are_each_counted_once_for_authkit()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Cache:Lifetime"] = "00:01:00",
            ["TokenValidation:Cache:RefreshAheadRatio"] = "0.5",
            ["TokenValidation:Cache:StaleIfErrorWindow"] = "00:02:00",
            ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0",
            ["TokenValidation:ClientMissesPerSecond"] = "1",
            ["TokenValidation:ClientMissBurst"] = "1",
        });
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var refreshes = new MetricCollector<long>(meters, "TokenValidation", "tokenvalidation.cache.refreshes");
        using var stale = new MetricCollector<long>(meters, "TokenValidation", "tokenvalidation.cache.stale_served");
        using var limited = new MetricCollector<long>(meters, "TokenValidation", "tokenvalidation.rate_limited");
        host.AuthKit.AddUser(Token, "user_01");

        // A hit in the last half of the entry's life starts one refresh.
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        // Until the refresh has stored its answer, not only reached AuthKit: the clock moves on next.
        await WaitUntil(() => host.AuthKit.UserInfoCalls == 2 && host.Service.Cache.FillsInFlight == 0);

        // Past the refreshed entry's life with AuthKit down: served stale.
        host.AuthKit.RespondWith(503);
        host.Time.Advance(TimeSpan.FromSeconds(70));
        Assert.Equal("user_01", (await host.Validation.ValidateAsync(Token)).Identity?.Subject);

        // One client, a burst of one: its first new token takes the burst (held at AuthKit), its second is refused.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.AuthKit.Behavior = async context => { await release.Task.WaitAsync(host.AuthKit.Stopping); context.Response.StatusCode = 503; };
        var first = host.Validation.ValidateForClientAsync("mat_new_token_one_0123456789", IPAddress.Loopback).AsTask();
        var second = await host.Validation.ValidateForClientAsync("mat_new_token_two_0123456789", IPAddress.Loopback);
        release.SetResult();
        await first;

        Assert.Equal(TokenValidationOutcome.Unavailable, second.Outcome);
        Assert.True(second.IsRateLimited);
        Assert.Equal(1, Single(refreshes));
        Assert.Equal(1, Single(stale));
        Assert.Equal(1, Single(limited));
    }

    // The sum of one series, tagged with the source authkit and nothing else.
    private static long Single(MetricCollector<long> collector)
    {
        var measurements = collector.GetMeasurementSnapshot();
        Assert.All(measurements, m => Assert.Equal(
            [new KeyValuePair<string, object?>("tokenvalidation.source", "authkit")],
            m.Tags.ToList()));
        return measurements.Sum(m => m.Value);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(10);
        }
    }
}
