using System.Diagnostics;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7 refresh ahead: a hit in the last 20% of a valid entry's life starts one background revalidation; no
/// caller ever waits for it. Time is a <see cref="FakeTimeProvider"/>; the issuer is the real AuthKit stand-in.
/// </summary>
public sealed class RefreshAheadTests
{
    private const string Token = "mat_refresh_ahead_0123456789abcdefghijklmnop";

    [Fact]
    public async Task An_active_token_is_revalidated_once_per_lifetime_and_no_caller_ever_waits()
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);

        // A request every 10 s for 20 minutes: the 5-minute entry is renewed at 4, 8, 12, 16 and 20 minutes.
        for (int second = 10; second <= 20 * 60; second += 10)
        {
            host.Time.Advance(TimeSpan.FromSeconds(10));
            var answer = host.Validation.ValidateAsync(Token);
            Assert.True(answer.IsCompletedSuccessfully, $"the request at {second} s waited");
            Assert.Equal("user_01", answer.Result.Identity?.Subject);
            await RefreshesDoneAsync(host);
        }

        Assert.Equal(1 + 5, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_thousand_concurrent_hits_in_the_window_start_one_revalidation()
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.Time.Advance(TimeSpan.FromMinutes(4.5));

        // The stand-in holds the revalidation until every hit has answered.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.AuthKit.Behavior = async context =>
        {
            await release.Task.WaitAsync(host.AuthKit.Stopping);
            await host.AuthKit.DefaultUserInfoAsync(context);
        };
        using var start = new ManualResetEventSlim();
        var hits = Enumerable.Range(0, 1000).Select(_ => Task.Run(() =>
        {
            start.Wait();
            var answer = host.Validation.ValidateAsync(Token);
            return (Synchronous: answer.IsCompletedSuccessfully, Valid: answer.IsCompletedSuccessfully && answer.Result.IsValid);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(hits);

        Assert.All(results, r => Assert.True(r.Synchronous && r.Valid));
        await WaitUntilAsync(() => host.AuthKit.CurrentInFlight == 1);
        release.SetResult();
        await RefreshesDoneAsync(host);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);

        // Renewed: the next hits are plain hits until the new entry's own window.
        for (int i = 0; i < 100; i++)
        {
            Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        }

        await RefreshesDoneAsync(host);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_revalidation_that_finds_the_token_revoked_replaces_the_entry()
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.AuthKit.RemoveUser(Token);
        host.Time.Advance(TimeSpan.FromMinutes(4));

        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(host);
        var after = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Invalid, after.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, after.Error);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_revalidation_that_cannot_reach_the_issuer_leaves_the_entry_to_live_out_its_time()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0" });
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.AuthKit.RespondWith(503);
        host.Time.Advance(TimeSpan.FromMinutes(4));

        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(host);
        host.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(host);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(Token)).Outcome);
    }

    [Fact]
    public async Task An_entry_cut_short_by_the_tokens_own_expiry_is_not_refreshed()
    {
        var validator = new ExpiringValidator();
        await using var host = await CoreHost.StartAsync(
            configure: b => b.AddValidator<ExpiringValidator>("exp_"),
            services: s => s.AddSingleton(validator));
        validator.ExpiresAt = host.Time.GetUtcNow().AddMinutes(2);

        Assert.True((await host.Validation.ValidateAsync("exp_token")).IsValid);
        host.Time.Advance(TimeSpan.FromSeconds(110));
        Assert.True((await host.Validation.ValidateAsync("exp_token")).IsValid);
        await RefreshesDoneAsync(host);

        Assert.Equal(1, validator.Calls);
    }

    [Fact]
    public async Task With_RefreshAheadRatio_zero_a_hit_never_revalidates()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Cache:RefreshAheadRatio"] = "0" });
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        host.Time.Advance(TimeSpan.FromSeconds(299));

        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        await RefreshesDoneAsync(host);

        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    private static Task RefreshesDoneAsync(CoreHost host) => WaitUntilAsync(() => host.Service.Cache.FillsInFlight == 0);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "timed out waiting for the background revalidation");
            await Task.Delay(5);
        }
    }

    private sealed class ExpiringValidator : ITokenValidator
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public DateTimeOffset ExpiresAt { get; set; }

        public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return new(TokenCheckResult.Valid(new TokenIdentity { Subject = "s", Source = "exp", ExpiresAt = ExpiresAt }));
        }
    }
}
