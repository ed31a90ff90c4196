using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using TokenValidation.ApiKeys;
using TokenValidation.Tests.Core;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7 at its edges, on a fake clock: an answer already past the token's own expiry is not a valid one; an entry
/// kept for stale-if-error is no hit once its lifetime is over, and the first stale answer of an outage is logged at once; a refresh ahead is its own span; and a local validator's
/// "no" found by a refresh removes the valid value other replicas would read from level 2.
/// </summary>
public sealed class CacheBoundaryTests
{
    private const string Token = "mat_cache_boundary_0123456789abcdefghijkl";

    [Fact]
    public async Task A_valid_answer_for_a_token_expiring_this_instant_is_invalid_as_expired_and_not_kept()
    {
        var validator = new ProgrammedValidator();
        await using var host = await CoreHost.StartAsync(
            configure: b => b.AddValidator<ProgrammedValidator>("prog_"),
            services: s => s.AddSingleton(validator));
        var now = host.Time.GetUtcNow();
        validator.Answer = _ => TokenCheckResult.Valid(new TokenIdentity { Subject = "s", Source = "programmed", ExpiresAt = now });

        var first = await host.Validation.ValidateAsync("prog_token");
        var second = await host.Validation.ValidateAsync("prog_token");

        Assert.Equal(TokenValidationOutcome.Invalid, first.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, first.Error);
        Assert.Equal("The token has expired.", first.ErrorDescription);
        Assert.Equal(TokenValidationOutcome.Invalid, second.Outcome);
        Assert.Equal(2, validator.Calls);
    }

    [Fact]
    public async Task At_exactly_the_end_of_its_lifetime_an_entry_kept_for_stale_if_error_is_asked_about_again()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Cache:Lifetime"] = "00:01:00",
            ["TokenValidation:Cache:StaleIfErrorWindow"] = "00:02:00",
            ["TokenValidation:Cache:RefreshAheadRatio"] = "0",
        });
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);

        host.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);

        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task The_first_stale_answer_of_an_outage_is_logged_at_once()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Cache:Lifetime"] = "00:01:00",
            ["TokenValidation:Cache:StaleIfErrorWindow"] = "00:02:00",
            ["TokenValidation:Cache:RefreshAheadRatio"] = "0",
            ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0",
        });
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.AuthKit.RespondWith(503);
        host.Time.Advance(TimeSpan.FromSeconds(61));

        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);

        var warning = Assert.Single(host.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("stale if error", StringComparison.Ordinal));
        Assert.Contains("00:02:00", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refresh_ahead_is_a_span_of_its_own_named_TokenValidation_Refresh()
    {
        // A source name of this test's own: other tests share the activity source in this process.
        string source = "refresh-span-" + Guid.NewGuid().ToString("N");
        var validator = new ProgrammedValidator();
        await using var host = await CoreHost.StartAsync(
            configure: b => b.AddValidator<ProgrammedValidator>("prog_", source),
            services: s => s.AddSingleton(validator));
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "TokenValidation",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        Assert.True((await host.Validation.ValidateAsync("prog_token")).IsValid);
        host.Time.Advance(TimeSpan.FromMinutes(4.5));
        Assert.True((await host.Validation.ValidateAsync("prog_token")).IsValid);
        await FillsDoneAsync(host);

        var spans = stopped.Where(a => a.GetTagItem("tokenvalidation.source") as string == source).Select(a => a.OperationName).ToList();
        Assert.Equal(["TokenValidation.Fill", "TokenValidation.Refresh"], spans);
        Assert.Equal(2, validator.Calls);
    }

    [Fact]
    public async Task A_revoked_api_key_found_by_a_refresh_removes_the_valid_value_shared_in_level_2()
    {
        var l2 = new ScriptedDistributedCache();
        var store = new RevocableKeyStore();
        await using var host = await CoreHost.StartAsync(
            configure: b => b.AddDistributedCache(),
            services: s => s.AddSingleton<IDistributedCache>(l2).Replace(ServiceDescriptor.Singleton<IApiKeyStore>(store)));
        Assert.True((await host.Validation.ValidateAsync(RevocableKeyStore.Key.Key)).IsValid);
        Assert.Single(l2.Keys);

        store.Revoked = true;
        host.Time.Advance(TimeSpan.FromMinutes(4.5));
        Assert.True((await host.Validation.ValidateAsync(RevocableKeyStore.Key.Key)).IsValid);
        await FillsDoneAsync(host);

        // The key's "no" is cheaper to compute again than to share: nothing is written, the valid value is gone.
        Assert.Empty(l2.Keys);
        Assert.Equal(1, l2.Writes);
        Assert.Equal(1, l2.Removes);
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(RevocableKeyStore.Key.Key)).Outcome);
    }

    private static async Task FillsDoneAsync(CoreHost host)
    {
        var clock = Stopwatch.StartNew();
        while (host.Service.Cache.FillsInFlight != 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "timed out waiting for the background revalidation");
            await Task.Delay(5);
        }
    }

    /// <summary>An application's key table holding one key until it is revoked.</summary>
    private sealed class RevocableKeyStore : IApiKeyStore
    {
        public static readonly ApiKey Key = ApiKeyGenerator.Generate();

        private volatile bool _revoked;

        public bool Revoked
        {
            get => _revoked;
            set => _revoked = value;
        }

        public ValueTask<ApiKeyDescriptor?> FindByHashAsync(ReadOnlyMemory<byte> keyHash, CancellationToken cancellationToken) =>
            new(!Revoked && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(keyHash.Span, Convert.FromHexString(Key.Hash))
                ? new ApiKeyDescriptor { Name = "db-key", Hash = Key.Hash }
                : null);
    }
}
