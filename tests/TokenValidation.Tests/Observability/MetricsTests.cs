using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TokenValidation.Caching;
using TokenValidation.Diagnostics;
using TokenValidation.Testing;
using TokenValidation.Tests.Resilience;

namespace TokenValidation.Tests.Observability;

/// <summary>
/// CONTRACT §9: the meter's counts match a known sequence of requests exactly, per instrument and tag; durations are in
/// seconds with buckets for 1 ms to 10 s; every tag name is one of the library's vocabulary.
/// </summary>
public sealed class MetricsTests
{
    private const string Source = "tokenvalidation.source";
    private const string Outcome = "tokenvalidation.outcome";
    private const string Level = "tokenvalidation.cache.level";

    private static readonly string[] Counters =
    [
        "tokenvalidation.validations",
        "tokenvalidation.cache.hits",
        "tokenvalidation.cache.misses",
        "tokenvalidation.upstream.calls",
        "tokenvalidation.coalesced_waits",
        "tokenvalidation.cache.l2.failures",
        "tokenvalidation.upstream.rejections",
        "tokenvalidation.upstream.retries",
        "tokenvalidation.circuit.transitions",
        "tokenvalidation.circuit.rejections",
    ];

    private static readonly HashSet<string> TagNames =
    [
        Source, Outcome, Level, "tokenvalidation.cache.operation", "tokenvalidation.retry.reason", "tokenvalidation.circuit.state",
    ];

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
        using var metrics = new Collectors(host.MeterFactory);

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
            [Key("tokenvalidation.validations", (Outcome, "valid"), (Source, "authkit"))] = 1 + 3 + 5 + 1,
            [Key("tokenvalidation.validations", (Outcome, "invalid"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.validations", (Outcome, "invalid"), (Source, "none"))] = 1,
            [Key("tokenvalidation.cache.hits", (Level, "l1"))] = 3 + 1,
            [Key("tokenvalidation.cache.hits", (Level, "l2"))] = 1,
            [Key("tokenvalidation.cache.misses", (Level, "l1"))] = 1 + 1 + 5 + 1,
            [Key("tokenvalidation.cache.misses", (Level, "l2"))] = 3,
            [Key("tokenvalidation.upstream.calls", (Outcome, "valid"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.upstream.calls", (Outcome, "invalid"), (Source, "authkit"))] = 1,
            [Key("tokenvalidation.upstream.duration.count", (Outcome, "valid"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.upstream.duration.count", (Outcome, "invalid"), (Source, "authkit"))] = 1,
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
        using var metrics = new Collectors(host.MeterFactory);

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
            [Key("tokenvalidation.validations", (Outcome, "valid"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.validations", (Outcome, "unavailable"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.cache.misses", (Level, "l1"))] = 4,
            [Key("tokenvalidation.cache.misses", (Level, "l2"))] = 4,
            [Key("tokenvalidation.cache.l2.failures", ("tokenvalidation.cache.operation", "read"))] = 4,
            [Key("tokenvalidation.cache.l2.failures", ("tokenvalidation.cache.operation", "write"))] = 2,
            [Key("tokenvalidation.upstream.calls", (Outcome, "valid"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.upstream.calls", (Outcome, "unavailable"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.upstream.duration.count", (Outcome, "valid"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.upstream.duration.count", (Outcome, "unavailable"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.upstream.retries", ("tokenvalidation.retry.reason", "http_5xx"), (Source, "authkit"))] = 2,
            [Key("tokenvalidation.circuit.transitions", ("tokenvalidation.circuit.state", "open"), (Source, "authkit"))] = 1,
            [Key("tokenvalidation.circuit.transitions", ("tokenvalidation.circuit.state", "half_open"), (Source, "authkit"))] = 1,
            [Key("tokenvalidation.circuit.transitions", ("tokenvalidation.circuit.state", "closed"), (Source, "authkit"))] = 1,
            [Key("tokenvalidation.circuit.rejections", (Source, "authkit"))] = 1,
        };
        Assert.Equal(Format(expected), Format(metrics.Snapshot()));
        Assert.Equal(5, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task Upstream_duration_is_in_seconds_with_bucket_advice_from_1_ms_to_10_s()
    {
        await using var host = await StandInHost.StartAsync();
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_slow");
        host.AuthKit.Behavior = async context =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), host.AuthKit.Stopping);
            await host.AuthKit.DefaultUserInfoAsync(context);
        };
        using var duration = new MetricCollector<double>(host.MeterFactory, "TokenValidation", "tokenvalidation.upstream.duration");

        Assert.True((await host.Validation.ValidateAsync(token)).IsValid);

        var instrument = Assert.IsAssignableFrom<Histogram<double>>(duration.Instrument);
        Assert.Equal("s", instrument.Unit);
        Assert.Equal(
            [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
            instrument.Advice?.HistogramBucketBoundaries);

        // 50 ms held by AuthKit is 0.05 in seconds (not 50, as milliseconds would be), and lands past the first buckets.
        var measurement = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.InRange(measurement.Value, 0.045, 5);
        Assert.True(measurement.MatchesTags(new KeyValuePair<string, object?>(Source, "authkit"), new KeyValuePair<string, object?>(Outcome, "valid")));
    }

    [Fact]
    public async Task Every_tag_name_on_every_instrument_is_one_of_the_six_tokenvalidation_names_one_per_concept()
    {
        var l2 = new FlakyDistributedCache();
        await using var host = await StandInHost.StartAsync(
            configure: b => b.AddDistributedCache(),
            services: s => s.AddSingleton<IDistributedCache>(l2));
        string token = StandInHost.NewToken(), other = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_tags");
        host.AuthKit.AddUser(other, "user_other");
        using var metrics = new Collectors(host.MeterFactory);

        // A miss, a hit, and a miss with L2 down and one retried 503: validations, both cache levels, upstream calls,
        // L2 failures and a retry.
        Assert.True((await host.Validation.ValidateAsync(token)).IsValid);
        Assert.True((await host.Validation.ValidateAsync(token)).IsValid);
        l2.Failing = true;
        host.AuthKit.FailNext(1, 503);
        Assert.True((await host.Validation.ValidateAsync(other)).IsValid);

        var seen = metrics.TagNames();
        Assert.Subset(TagNames, seen);
        Assert.Equal(
            ["tokenvalidation.cache.level", "tokenvalidation.cache.operation", "tokenvalidation.outcome", "tokenvalidation.retry.reason", "tokenvalidation.source"],
            seen.Order(StringComparer.Ordinal));
    }

    private static string Key(string name, params (string Key, string Value)[] tags) =>
        name + "{" + string.Join(",", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value)) + "}";

    // One series a line, sorted: a mismatch shows as a readable diff.
    private static string Format(IEnumerable<KeyValuePair<string, long>> series) =>
        string.Join("\n", series.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} = {p.Value}"));

    /// <summary>
    /// A <see cref="MetricCollector{T}"/> per instrument of one container's meter (scoped by its <see cref="IMeterFactory"/>,
    /// so tests running in parallel never see each other's measurements).
    /// </summary>
    private sealed class Collectors(IMeterFactory scope) : IDisposable
    {
        private readonly MetricCollector<long>[] _counters = [.. Counters.Select(n => new MetricCollector<long>(scope, "TokenValidation", n))];
        private readonly MetricCollector<double> _duration = new(scope, "TokenValidation", "tokenvalidation.upstream.duration");

        /// <summary>Every series so far, as <c>name{k=v,…}</c>: counters summed, the histogram counted.</summary>
        public SortedDictionary<string, long> Snapshot()
        {
            var series = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var collector in _counters)
            {
                foreach (var m in collector.GetMeasurementSnapshot())
                {
                    Add(series, collector.Instrument!.Name, m.Tags, m.Value);
                }
            }

            foreach (var m in _duration.GetMeasurementSnapshot())
            {
                Add(series, "tokenvalidation.upstream.duration.count", m.Tags, 1);
            }

            return series;
        }

        public HashSet<string> TagNames() =>
        [
            .. _counters.SelectMany(c => c.GetMeasurementSnapshot()).SelectMany(m => m.Tags.Keys),
            .. _duration.GetMeasurementSnapshot().SelectMany(m => m.Tags.Keys),
        ];

        public void Dispose()
        {
            foreach (var collector in _counters)
            {
                collector.Dispose();
            }

            _duration.Dispose();
        }

        private static void Add(SortedDictionary<string, long> series, string name, IReadOnlyDictionary<string, object?> tags, long value)
        {
            string key = Key(name, [.. tags.Select(t => (t.Key, Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""))]);
            series[key] = series.GetValueOrDefault(key) + value;
        }
    }
}
