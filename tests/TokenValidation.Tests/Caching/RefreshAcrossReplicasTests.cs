using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TokenValidation.Caching;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7 refresh ahead with level 2: a replica's refresh takes level 2's value only when another replica renewed it
/// since (one upstream call per token per lifetime for the fleet); otherwise it asks the issuer, so a revocation bites. A
/// refresh that finds the token revoked removes the shared value too.
/// </summary>
public sealed class RefreshAcrossReplicasTests
{
    private const string Token = "mat_refresh_replicas_0123456789abcdef";

    [Fact]
    public async Task A_refresh_uses_the_value_another_replica_renewed_instead_of_asking_again()
    {
        await using var replicas = await TwoFilledReplicas.StartAsync();
        var (authKit, time, a, b) = (replicas.AuthKit, replicas.Time, replicas.A, replicas.B);

        using var refreshes = new MetricCollector<long>(a.Services.GetRequiredService<IMeterFactory>(), "TokenValidation", "tokenvalidation.cache.refreshes");

        // In the last 20%: A refreshes from the issuer and renews level 2; then B's refresh finds the renewed value.
        time.Advance(TimeSpan.FromMinutes(4.5));
        Assert.True((await a.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(a);
        Assert.Equal(2, authKit.UserInfoCalls);
        var refresh = Assert.Single(refreshes.GetMeasurementSnapshot());
        Assert.Equal((1L, (object?)TokenSources.AuthKit), (refresh.Value, refresh.Tags["tokenvalidation.source"]));
        Assert.True((await b.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(b);

        Assert.Equal(2, authKit.UserInfoCalls);

        // B's level 1 now holds the renewed entry: still served after the first lifetime ended.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await b.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal(2, authKit.UserInfoCalls);
    }

    [Fact]
    public async Task Replicas_hit_at_once_in_the_window_make_one_refresh_the_one_that_filled_level_2_first()
    {
        await using var replicas = await TwoFilledReplicas.StartAsync();
        var (authKit, time, a, b) = (replicas.AuthKit, replicas.Time, replicas.A, replicas.B);

        // At 4.2 of 5 minutes both replicas serve the token: only A, which asked the issuer, refreshes; B's entry came
        // from level 2 and waits for the last 10%.
        time.Advance(TimeSpan.FromMinutes(4.2));
        Assert.True((await b.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal(0, b.Service.Cache.FillsInFlight);
        Assert.True((await a.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(a);
        Assert.Equal(2, authKit.UserInfoCalls);

        // In B's half of the window, B takes A's renewal from level 2.
        time.Advance(TimeSpan.FromMinutes(0.4));
        Assert.True((await b.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(b);
        Assert.Equal(2, authKit.UserInfoCalls);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await b.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal(2, authKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_replica_that_read_level_2_refreshes_from_the_issuer_itself_when_nobody_renewed_it()
    {
        await using var replicas = await TwoFilledReplicas.StartAsync();
        var (authKit, time, b) = (replicas.AuthKit, replicas.Time, replicas.B);

        // A no longer serves the token; B's refresh in the last 10% asks the issuer, so the token never expires on B.
        time.Advance(TimeSpan.FromMinutes(4.6));
        Assert.True((await b.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(b);
        Assert.Equal(2, authKit.UserInfoCalls);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await b.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal(2, authKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_refresh_asks_the_issuer_when_level_2_holds_only_the_value_being_refreshed_and_a_revocation_removes_it()
    {
        var l2 = new ScriptedDistributedCache();
        var time = new FakeTimeProvider();
        await using var authKit = await AuthKitStandIn.StartAsync();
        authKit.AddUser(Token, "user_01");
        await using var a = await StartAsync(authKit, l2, time, invalidLifetime: "00:00:00");
        Assert.True((await a.Validation.ValidateAsync(Token)).IsValid);
        Assert.Single(l2.Keys);

        authKit.RemoveUser(Token);
        time.Advance(TimeSpan.FromMinutes(4.5));
        Assert.True((await a.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(a);

        Assert.Equal(2, authKit.UserInfoCalls);
        Assert.Equal(1, l2.Removes);
        Assert.Empty(l2.Keys);
        Assert.Equal(TokenValidationOutcome.Invalid, (await a.Validation.ValidateAsync(Token)).Outcome);
    }

    private static Task<CoreHost> StartAsync(AuthKitStandIn authKit, ScriptedDistributedCache l2, FakeTimeProvider time, string invalidLifetime = "00:00:30") =>
        CoreHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:Cache:InvalidLifetime"] = invalidLifetime },
            configure: b => b.AddDistributedCache(),
            services: s => s.AddSingleton<IDistributedCache>(l2),
            authKit: authKit,
            time: time);

    /// <summary>Two replicas on one level 2 and one AuthKit stand-in, both filled: A asked the issuer, B read level 2.</summary>
    private sealed class TwoFilledReplicas : IAsyncDisposable
    {
        public required AuthKitStandIn AuthKit { get; init; }
        public required FakeTimeProvider Time { get; init; }
        public required CoreHost A { get; init; }
        public required CoreHost B { get; init; }

        public static async Task<TwoFilledReplicas> StartAsync()
        {
            var l2 = new ScriptedDistributedCache();
            var time = new FakeTimeProvider();
            var authKit = await AuthKitStandIn.StartAsync();
            authKit.AddUser(Token, "user_01");
            var replicas = new TwoFilledReplicas
            {
                AuthKit = authKit,
                Time = time,
                A = await RefreshAcrossReplicasTests.StartAsync(authKit, l2, time),
                B = await RefreshAcrossReplicasTests.StartAsync(authKit, l2, time),
            };
            Assert.True((await replicas.A.Validation.ValidateAsync(Token)).IsValid);
            Assert.True((await replicas.B.Validation.ValidateAsync(Token)).IsValid);
            Assert.Equal(1, authKit.UserInfoCalls);
            return replicas;
        }

        public async ValueTask DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
            await AuthKit.DisposeAsync();
        }
    }

    private static async Task RefreshesDoneAsync(CoreHost host)
    {
        var clock = Stopwatch.StartNew();
        while (host.Service.Cache.FillsInFlight != 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "timed out waiting for the background revalidation");
            await Task.Delay(5);
        }
    }
}
