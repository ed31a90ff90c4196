using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.ApiKeys;
using TokenValidation.Testing;
using TokenValidation.Tests.Core;
using TokenValidation.Tests.Resilience;

namespace TokenValidation.Tests.Garbage;

/// <summary>CONTRACT §7 "garbage cannot hurt legitimate callers", checked in the core service.</summary>
[Collection(RunsAlone.Name)]
public sealed class GarbageTests
{
    private static readonly ApiKey Key = ApiKeyGenerator.Generate();

    private static readonly Dictionary<string, string?> WithApiKey = new()
    {
        ["TokenValidation:ApiKeys:Keys:0:Name"] = "ci-bot",
        ["TokenValidation:ApiKeys:Keys:0:Hash"] = Key.Hash,
    };

    [Fact]
    public async Task Negative_entries_have_their_own_bound_and_a_flood_of_garbage_evicts_no_valid_identity()
    {
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?>(WithApiKey)
            {
                ["TokenValidation:Cache:MaxEntries"] = "1000",
                ["TokenValidation:Cache:MaxInvalidEntries"] = "100",
            },
            configure: b => b.AddValidator<CountingValidator>("tst_"));
        var counting = host.Services.GetRequiredService<CountingValidator>();
        for (int i = 0; i < 1000; i++)
        {
            Assert.True((await host.Validation.ValidateAsync($"tst_valid_{i}")).IsValid);
        }

        for (int i = 0; i < 20_000; i++)
        {
            Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync($"wcd_garbage_{i}")).Outcome);
        }

        Assert.Equal(1000, host.Service.MemoryCache.Count);
        Assert.InRange(host.Service.Cache.Negative.Count, 1, 100);
        for (int i = 0; i < 1000; i++)
        {
            Assert.True((await host.Validation.ValidateAsync($"tst_valid_{i}")).IsValid);
        }

        Assert.Equal(1000, counting.Calls);
    }

    [Fact]
    public async Task Negative_answers_of_local_validators_are_not_written_to_level_2_and_the_issuers_are()
    {
        var l2 = new RecordingDistributedCache();
        await using var host = await CoreHost.StartAsync(
            WithApiKey,
            configure: b => b.AddDistributedCache(),
            services: s => s.AddSingleton<IDistributedCache>(l2));

        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync($"wcd_garbage_{i}")).Outcome);
            Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync($"eyJhbGciOiJSUzI1NiJ9.e30.garbage{i}")).Outcome);
        }

        Assert.Equal(0, l2.Writes);
        Assert.Equal(0, l2.Removes);

        Assert.True((await host.Validation.ValidateAsync(Key.Key)).IsValid);
        Assert.Equal(1, l2.Writes);
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync("mat_unknown_to_the_issuer_0123456789")).Outcome);
        Assert.Equal(2, l2.Writes);
    }

    [Fact]
    public async Task Each_validator_has_its_own_bulkhead_and_an_API_key_never_waits_for_upstream_slots()
    {
        await using var host = await StandInHost.StartAsync(
            new Dictionary<string, string?>(WithApiKey)
            {
                ["TokenValidation:MaxConcurrentUpstreamCalls"] = "2",
                ["TokenValidation:AuthKit:Timeout"] = "00:01:00",
                ["TokenValidation:AuthKit:Resilience:AttemptTimeout"] = "00:01:00",
            },
            configure: b => b.AddValidator<CountingValidator>("tst_"));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.AuthKit.Behavior = async context =>
        {
            await release.Task.WaitAsync(host.AuthKit.Stopping);
            await host.AuthKit.DefaultUserInfoAsync(context);
        };
        var held = Enumerable.Range(0, 2).Select(_ => host.Validation.ValidateAsync(StandInHost.NewToken()).AsTask()).ToArray();
        while (host.AuthKit.CurrentInFlight < 2)
        {
            await Task.Delay(10);
        }

        var refused = await host.Validation.ValidateAsync(StandInHost.NewToken());
        Assert.Equal(TokenValidationOutcome.Unavailable, refused.Outcome);

        Assert.True((await host.Validation.ValidateAsync(Key.Key)).IsValid);
        Assert.True((await host.Validation.ValidateAsync("tst_another_issuer")).IsValid);
        Assert.Equal(2, host.Service.UpstreamCallsInFlight);

        release.SetResult();
        Assert.All(await Task.WhenAll(held), r => Assert.Equal(TokenValidationOutcome.Invalid, r.Outcome));
    }

    [Fact]
    public async Task Misses_are_limited_per_client_while_other_clients_and_cached_tokens_are_untouched()
    {
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?>(WithApiKey)
            {
                ["TokenValidation:ClientMissesPerSecond"] = "1",
                ["TokenValidation:ClientMissBurst"] = "5",
            },
            configure: b => b.AddValidator<CountingValidator>("tst_"));
        var counting = host.Services.GetRequiredService<CountingValidator>();
        var attacker = IPAddress.Parse("203.0.113.7");
        var neighbour = IPAddress.Parse("203.0.113.8");
        Assert.True((await host.Validation.ValidateForClientAsync("tst_cached", attacker)).IsValid);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var answers = new List<TokenCheckResult>();
        for (int i = 0; i < 200; i++)
        {
            answers.Add(await host.Validation.ValidateForClientAsync($"tst_flood_{i}", attacker));
        }

        // The burst of 5 less the one spent, plus what a second refills while the loop runs.
        Assert.InRange(counting.Calls - 1, 4, 4 + (int)Math.Ceiling(clock.Elapsed.TotalSeconds));
        var limited = answers.Where(a => a.IsRateLimited).ToArray();
        Assert.NotEmpty(limited);
        Assert.All(limited, a =>
        {
            Assert.Equal(TokenValidationOutcome.Unavailable, a.Outcome);
            Assert.Null(a.Error);
            Assert.InRange(a.RetryAfter!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        });

        Assert.True((await host.Validation.ValidateForClientAsync("tst_cached", attacker)).IsValid);
        Assert.True((await host.Validation.ValidateForClientAsync("tst_neighbour", neighbour)).IsValid);
        Assert.True((await host.Validation.ValidateForClientAsync(Key.Key, neighbour)).IsValid);
        Assert.True((await host.Validation.ValidateAsync("tst_no_client")).IsValid);
    }

    [Fact]
    public async Task A_miss_refused_by_the_client_limit_says_why_and_is_counted_for_its_source()
    {
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:ClientMissesPerSecond"] = "1", ["TokenValidation:ClientMissBurst"] = "1" },
            configure: b => b.AddValidator<CountingValidator>("tst_", "custom"));
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var rateLimited = new MetricCollector<long>(meters, "TokenValidation", "tokenvalidation.rate_limited");
        using var validations = new MetricCollector<long>(meters, "TokenValidation", "tokenvalidation.validations");
        var client = IPAddress.Parse("203.0.113.9");
        Assert.True((await host.Validation.ValidateForClientAsync("tst_first", client)).IsValid);

        var refused = await host.Validation.ValidateForClientAsync("tst_second", client);

        Assert.True(refused.IsRateLimited);
        Assert.Equal("Too many new tokens from this client; retry later.", refused.ErrorDescription);
        var limited = Assert.Single(rateLimited.GetMeasurementSnapshot());
        Assert.Equal(1, limited.Value);
        Assert.Equal("custom", limited.Tags["tokenvalidation.source"]);
        var unavailable = Assert.Single(validations.GetMeasurementSnapshot(), m => Equals(m.Tags["tokenvalidation.outcome"], "unavailable"));
        Assert.Equal("custom", unavailable.Tags["tokenvalidation.source"]);
    }

    [Fact]
    public async Task IPv6_clients_are_limited_per_64_and_IPv4_per_address()
    {
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:ClientMissesPerSecond"] = "1", ["TokenValidation:ClientMissBurst"] = "1" },
            configure: b => b.AddValidator<CountingValidator>("tst_"));

        Assert.True((await host.Validation.ValidateForClientAsync("tst_a", IPAddress.Parse("2001:db8:1:2::1"))).IsValid);
        Assert.True((await host.Validation.ValidateForClientAsync("tst_b", IPAddress.Parse("2001:db8:1:2:ffff::9"))).IsRateLimited);
        Assert.True((await host.Validation.ValidateForClientAsync("tst_c", IPAddress.Parse("2001:db8:1:3::1"))).IsValid);
        Assert.True((await host.Validation.ValidateForClientAsync("tst_d", IPAddress.Parse("192.0.2.1"))).IsValid);
        Assert.True((await host.Validation.ValidateForClientAsync("tst_e", IPAddress.Parse("::ffff:192.0.2.1"))).IsRateLimited);
        Assert.True((await host.Validation.ValidateForClientAsync("tst_f", IPAddress.Parse("192.0.2.2"))).IsValid);
    }

    [Fact]
    public async Task A_token_rejected_before_dispatch_is_logged_by_its_hash_and_never_by_itself()
    {
        await using var host = await CoreHost.StartAsync();
        const string Garbage = "ghp_not_a_kind_we_accept_0123456789";

        await host.Validation.ValidateAsync(Garbage);

        var record = Assert.Single(host.Logs.GetSnapshot(), l => l.Message.Contains("rejected before dispatch", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, record.Level);
        Assert.Equal(TokenValidation.Caching.TokenHash.Compute(Garbage).ToShortString(), record.GetStructuredStateValue("TokenHash"));
        Assert.False(host.Logs.AnyContains(Garbage));
    }

    /// <summary>The framework's in-memory distributed cache, with its writes and removals counted.</summary>
    private sealed class RecordingDistributedCache : IDistributedCache
    {
        private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));
        private int _writes;
        private int _removes;

        public int Writes => Volatile.Read(ref _writes);

        public int Removes => Volatile.Read(ref _removes);

        public byte[]? Get(string key) => _inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => _inner.GetAsync(key, token);

        public void Refresh(string key) => _inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => _inner.RefreshAsync(key, token);

        public void Remove(string key)
        {
            Interlocked.Increment(ref _removes);
            _inner.Remove(key);
        }

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Interlocked.Increment(ref _removes);
            return _inner.RemoveAsync(key, token);
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            Interlocked.Increment(ref _writes);
            _inner.Set(key, value, options);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Interlocked.Increment(ref _writes);
            return _inner.SetAsync(key, value, options, token);
        }
    }
}
