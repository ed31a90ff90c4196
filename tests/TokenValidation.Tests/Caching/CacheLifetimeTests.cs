namespace TokenValidation.Tests.Caching;

/// <summary>CONTRACT §7 lifetimes, with time moved by a fake <see cref="TimeProvider"/>.</summary>
public sealed class CacheLifetimeTests
{
    private const string Token = "mat_lifetime_0123456789abcdefghijklmnopqrstuvwx";

    [Fact]
    public async Task A_valid_answer_is_served_from_cache_until_its_lifetime_ends_then_fetched_once()
    {
        // Refresh ahead off: a hit in the last 20% would otherwise revalidate in the background (RefreshAheadTests).
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Cache:RefreshAheadRatio"] = "0" });
        host.AuthKit.AddUser(Token, "user_01");

        await host.Validation.ValidateAsync(Token);
        host.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        for (int i = 0; i < 10; i++)
        {
            Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        }

        Assert.Equal(1, host.AuthKit.UserInfoCalls);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.Validation.ValidateAsync(Token);
        await host.Validation.ValidateAsync(Token);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_token_that_expires_sooner_is_cached_only_until_it_expires()
    {
        await using var host = await CoreHost.StartAsync();
        var expires = host.Time.GetUtcNow().AddSeconds(60).ToUnixTimeSeconds();
        host.AuthKit.AddUser(Token, "user_01", extra: new { exp = expires });

        var result = await host.Validation.ValidateAsync(Token);
        host.Time.Advance(TimeSpan.FromSeconds(59));
        await host.Validation.ValidateAsync(Token);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await host.Validation.ValidateAsync(Token);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(expires), result.Identity!.ExpiresAt);
        Assert.Equal(TokenValidationOutcome.Invalid, after.Outcome);
    }

    [Fact]
    public async Task An_invalid_answer_is_cached_for_thirty_seconds()
    {
        await using var host = await CoreHost.StartAsync();

        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(Token)).Outcome);
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(Token)).Outcome);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.Validation.ValidateAsync(Token);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task An_unavailable_answer_is_never_cached()
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.AddUser(Token, "user_01");
        host.AuthKit.RespondWith(503);

        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(Token)).Outcome);
        int calls = host.AuthKit.UserInfoCalls;
        host.AuthKit.ResetBehavior();

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(Token)).Outcome);
        Assert.Equal(calls + 1, host.AuthKit.UserInfoCalls);
        Assert.Equal(1, host.Service.MemoryCache.Count);
    }

    [Fact]
    public async Task Configured_lifetimes_apply()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Cache:Lifetime"] = "00:01:00",
            ["TokenValidation:Cache:InvalidLifetime"] = "00:00:00",
        });
        host.AuthKit.AddUser(Token, "user_01");

        await host.Validation.ValidateAsync(Token);
        host.Time.Advance(TimeSpan.FromSeconds(60));
        await host.Validation.ValidateAsync(Token);
        await host.Validation.ValidateAsync("mat_unknown_token_1");
        await host.Validation.ValidateAsync("mat_unknown_token_1");

        Assert.Equal(4, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task InvalidateAsync_makes_the_next_request_go_upstream()
    {
        await using var host = await CoreHost.StartAsync();
        host.AuthKit.AddUser(Token, "user_01");

        await host.Validation.ValidateAsync(Token);
        await host.Validation.InvalidateAsync(Token);
        host.AuthKit.RemoveUser(Token);
        var after = await host.Validation.ValidateAsync(Token);

        Assert.Equal(2, host.AuthKit.UserInfoCalls);
        Assert.Equal(TokenValidationOutcome.Invalid, after.Outcome);
    }

    [Fact]
    public async Task Ten_thousand_distinct_tokens_with_a_bound_of_one_thousand_leave_at_most_one_thousand_entries()
    {
        await using var host = await CoreHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:Cache:MaxEntries"] = "1000" },
            configure: b => b.AddValidator<Core.CountingValidator>("tst_"));

        for (int i = 0; i < 5_000; i++)
        {
            await host.Validation.ValidateAsync($"tst_sequential_{i}");
            Assert.True(host.Service.MemoryCache.Count <= 1000);
        }

        await Parallel.ForAsync(5_000, 10_000, async (i, ct) => await host.Validation.ValidateAsync($"tst_parallel_{i}", ct));

        Assert.InRange(host.Service.MemoryCache.Count, 1, 1000);
        Assert.Equal(10_000, host.Services.GetRequiredService<Core.CountingValidator>().Calls);
    }
}
