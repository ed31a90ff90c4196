using TokenValidation.Testing;

namespace TokenValidation.Tests.Caching;

/// <summary>CONTRACT §7 single flight: one upstream call per token per process, isolated cancellation and failure.</summary>
public sealed class SingleFlightTests
{
    private const string Token = "mat_singleflight_0123456789abcdefghijklmnopqrstu";

    // Counting upstream calls: a retry after a slow attempt on a loaded CI machine would count as a second call.
    private static readonly Dictionary<string, string?> NoRetry = new() { ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0" };

    [Fact]
    public async Task Thousand_concurrent_validations_of_a_new_token_make_one_upstream_call()
    {
        await using var host = await CoreHost.StartAsync(NoRetry);
        host.AuthKit.AddUser(Token, "user_01");
        host.AuthKit.Slow(TimeSpan.FromMilliseconds(300));

        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await host.Validation.ValidateAsync(Token);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.Equal("user_01", r.Identity?.Subject));
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_waiter_that_cancels_does_not_fail_the_others()
    {
        await using var host = await CoreHost.StartAsync(NoRetry);
        host.AuthKit.AddUser(Token, "user_01");
        host.AuthKit.Slow(TimeSpan.FromMilliseconds(500));

        using var cancelled = new CancellationTokenSource();
        var leader = host.Validation.ValidateAsync(Token, cancelled.Token).AsTask();
        var others = Enumerable.Range(0, 20).Select(_ => host.Validation.ValidateAsync(Token).AsTask()).ToArray();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        var results = await Task.WhenAll(others);
        Assert.All(results, r => Assert.Equal(TokenValidationOutcome.Valid, r.Outcome));
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_failed_call_goes_only_to_its_waiters_and_the_next_request_starts_afresh()
    {
        await using var host = await CoreHost.StartAsync(NoRetry);
        host.AuthKit.AddUser(Token, "user_01");
        host.AuthKit.RespondWith(500, delay: TimeSpan.FromMilliseconds(300));

        var failed = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => host.Validation.ValidateAsync(Token).AsTask()));
        var callsForTheFailure = host.AuthKit.UserInfoCalls;
        host.AuthKit.ResetBehavior();
        var next = await host.Validation.ValidateAsync(Token);

        Assert.All(failed, r => Assert.Equal(TokenValidationOutcome.Unavailable, r.Outcome));
        // The ten shared one failed call; the failure was not remembered, so the next request made its own.
        Assert.Equal(1, callsForTheFailure);
        Assert.Equal(TokenValidationOutcome.Valid, next.Outcome);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_validator_that_throws_is_unavailable_and_does_not_poison_the_token()
    {
        var validator = new ThrowingOnceValidator();
        await using var host = await CoreHost.StartAsync(
            configure: b => b.AddValidator<ThrowingOnceValidator>("thr_"),
            services: s => s.AddSingleton(validator));

        var first = await host.Validation.ValidateAsync("thr_token_value");
        var second = await host.Validation.ValidateAsync("thr_token_value");

        Assert.Equal(TokenValidationOutcome.Unavailable, first.Outcome);
        Assert.Equal(TokenValidationOutcome.Valid, second.Outcome);
        Assert.Equal(2, validator.Calls);
        Assert.Contains(host.Logs.GetSnapshot(), l => l.Message.Contains("issuer exploded for [token]"));
        Assert.False(host.Logs.AnyContains("thr_token_value"));
    }

    private sealed class ThrowingOnceValidator : ITokenValidator
    {
        private int _calls;

        public int Calls => _calls;

        public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1
                ? throw new InvalidOperationException("issuer exploded for " + token)
                : new(TokenCheckResult.Valid(new TokenIdentity { Subject = "s", Source = "thr" }));
    }
}
