using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.Caching;
using TokenValidation.Testing;
using TokenValidation.Tests.Resilience;

namespace TokenValidation.Tests.Observability;

/// <summary>CONTRACT §9: the meter's counts match a known sequence of requests exactly, per instrument and tag.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Counts_match_a_known_sequence_of_hits_misses_coalesced_waits_and_rejections()
    {
        var l2 = new FlakyDistributedCache();
        await using var host = await StandInHost.StartAsync(
            configure: b => b.AddDistributedCache(),
            services: s => s.AddSingleton<IDistributedCache>(l2));
        string valid = StandInHost.NewToken(), invalid = StandInHost.NewToken(), shared = StandInHost.NewToken();
        host.AuthKit.AddUser(valid, "user_valid");
        host.AuthKit.AddUser(shared, "user_shared");
        var validation = host.Validation;
        using var metrics = new MetricRecorder(host.MeterFactory);

        // 1 miss, valid; then 3 L1 hits.
        Assert.True((await validation.ValidateAsync(valid)).IsValid);
        for (int i = 0; i < 3; i++)
        {
            Assert.True((await validation.ValidateAsync(valid)).IsValid);
        }

        // 1 miss, invalid; then the cached invalid answer.
        Assert.Equal(TokenValidationOutcome.Invalid, (await validation.ValidateAsync(invalid)).Outcome);
        Assert.Equal(TokenValidationOutcome.Invalid, (await validation.ValidateAsync(invalid)).Outcome);

        // 5 concurrent misses of one new token: AuthKit holds the call until all five are waiting on it.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.AuthKit.Behavior = async context =>
        {
            await release.Task.WaitAsync(host.AuthKit.Stopping);
            await host.AuthKit.DefaultUserInfoAsync(context);
        };
        var concurrent = Enumerable.Range(0, 5).Select(_ => validation.ValidateAsync(shared).AsTask()).ToArray();
        release.SetResult();
        Assert.All(await Task.WhenAll(concurrent), r => Assert.True(r.IsValid));
        host.AuthKit.ResetBehavior();

        // 1 token no validator claims.
        Assert.Equal(TokenValidationOutcome.Invalid, (await validation.ValidateAsync("xyz_" + StandInHost.NewToken("")[..20])).Outcome);

        // Another replica's view: gone from L1, still in L2.
        host.Service.MemoryCache.Remove(TokenHash.Compute(valid));
        Assert.True((await validation.ValidateAsync(valid)).IsValid);

        var expected = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            [Key("tokenvalidation.validations", ("outcome", "valid"), ("source", "authkit"))] = 1 + 3 + 5 + 1,
            [Key("tokenvalidation.validations", ("outcome", "invalid"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.validations", ("outcome", "invalid"), ("source", "none"))] = 1,
            [Key("tokenvalidation.cache.hits", ("level", "l1"))] = 3 + 1,
            [Key("tokenvalidation.cache.hits", ("level", "l2"))] = 1,
            [Key("tokenvalidation.cache.misses", ("level", "l1"))] = 1 + 1 + 5 + 1,
            [Key("tokenvalidation.cache.misses", ("level", "l2"))] = 3,
            [Key("tokenvalidation.upstream.calls", ("outcome", "valid"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.upstream.calls", ("outcome", "invalid"), ("source", "authkit"))] = 1,
            [Key("tokenvalidation.upstream.duration.count", ("outcome", "valid"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.upstream.duration.count", ("outcome", "invalid"), ("source", "authkit"))] = 1,
            [Key("tokenvalidation.coalesced_waits")] = 4,
        };
        Assert.Equal(Format(expected), Format(metrics.Snapshot()));
        Assert.Equal(3, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task Counts_match_a_known_sequence_of_retries_circuit_transitions_and_L2_failures()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var l2 = new FlakyDistributedCache { Failing = true };
        await using var host = await StandInHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
                ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "4",
                ["TokenValidation:AuthKit:Resilience:FailureRatio"] = "0.5",
                ["TokenValidation:AuthKit:Resilience:BreakDuration"] = "00:00:10",
                ["TokenValidation:Cache:DistributedCacheFailureThreshold"] = "100",
            },
            configure: b => b.AddDistributedCache(),
            services: s => s.AddSingleton<IDistributedCache>(l2),
            time: time);
        string first = StandInHost.NewToken(), later = StandInHost.NewToken();
        host.AuthKit.AddUser(first, "user_first");
        host.AuthKit.AddUser(later, "user_later");
        var validation = host.Validation;
        using var metrics = new MetricRecorder(host.MeterFactory);

        // A 503, retried, then success (attempts: 1 failure, 1 success).
        host.AuthKit.FailNext(1, 503);
        Assert.True((await validation.ValidateAsync(first)).IsValid);

        // Two more failed attempts: 3 of 4 failed, and the circuit opens.
        host.AuthKit.RespondWith(500);
        Assert.Equal(TokenValidationOutcome.Unavailable, (await validation.ValidateAsync(StandInHost.NewToken())).Outcome);

        // Open: answered without a call.
        Assert.Equal(TokenValidationOutcome.Unavailable, (await validation.ValidateAsync(StandInHost.NewToken())).Outcome);

        // AuthKit is back; after the break the probe succeeds and the circuit closes.
        host.AuthKit.ResetBehavior();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await validation.ValidateAsync(later)).IsValid);

        var expected = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            [Key("tokenvalidation.validations", ("outcome", "valid"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.validations", ("outcome", "unavailable"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.cache.misses", ("level", "l1"))] = 4,
            [Key("tokenvalidation.cache.misses", ("level", "l2"))] = 4,
            [Key("tokenvalidation.cache.l2.failures", ("operation", "read"))] = 4,
            [Key("tokenvalidation.cache.l2.failures", ("operation", "write"))] = 2,
            [Key("tokenvalidation.upstream.calls", ("outcome", "valid"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.upstream.calls", ("outcome", "unavailable"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.upstream.duration.count", ("outcome", "valid"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.upstream.duration.count", ("outcome", "unavailable"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.upstream.retries", ("reason", "http_5xx"), ("source", "authkit"))] = 2,
            [Key("tokenvalidation.circuit.transitions", ("source", "authkit"), ("state", "open"))] = 1,
            [Key("tokenvalidation.circuit.transitions", ("source", "authkit"), ("state", "half_open"))] = 1,
            [Key("tokenvalidation.circuit.transitions", ("source", "authkit"), ("state", "closed"))] = 1,
            [Key("tokenvalidation.circuit.rejections", ("source", "authkit"))] = 1,
        };
        Assert.Equal(Format(expected), Format(metrics.Snapshot()));
        Assert.Equal(5, host.AuthKit.UserInfoCalls);
    }

    private static string Key(string name, params (string, string)[] tags) => MetricRecorder.Key(name, tags);

    // One series a line, sorted: a mismatch shows as a readable diff.
    private static string Format(IEnumerable<KeyValuePair<string, long>> series) =>
        string.Join("\n", series.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} = {p.Value}"));
}
