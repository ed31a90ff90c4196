namespace TokenValidation.Tests.Core;

/// <summary>CONTRACT §3: dispatch by prefix; nothing claims a token → invalid with no network call and no cache write.</summary>
public sealed class DispatchTests
{
    [Theory]
    [InlineData("ghp_0123456789abcdef")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.sig")]
    [InlineData("MAT_uppercase_prefix")]
    public async Task Unknown_prefixes_are_invalid_without_any_upstream_call(string token)
    {
        await using var host = await CoreHost.StartAsync();

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
        Assert.Equal(0, host.Service.MemoryCache.Count);
    }

    [Theory]
    [InlineData("mat_has space")]
    [InlineData("mat_quote\"")]
    [InlineData("mat_ünïcode")]
    [InlineData("mat_ctrl\u0007")]
    [InlineData("")]
    public async Task Bad_characters_are_invalid_without_any_upstream_call(string token)
    {
        await using var host = await CoreHost.StartAsync();

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
        Assert.Equal(0, host.Service.MemoryCache.Count);
    }

    [Fact]
    public async Task Over_long_tokens_are_invalid_without_any_upstream_call()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:MaxTokenLength"] = "100" });

        var result = await host.Validation.ValidateAsync("mat_" + new string('a', 97));

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task Prefixes_are_configurable()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:TokenPrefix"] = "oat_",
        });
        host.AuthKit.AddUser("oat_token_1", "user_01");
        host.AuthKit.AddUser("mat_token_1", "user_01");

        Assert.True((await host.Validation.ValidateAsync("oat_token_1")).IsValid);
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync("mat_token_1")).Outcome);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task Application_validators_answer_their_prefix_and_the_longest_prefix_wins()
    {
        await using var host = await CoreHost.StartAsync(configure: b => b.AddValidator<CountingValidator>("mat_custom_", "custom"));
        host.AuthKit.AddUser("mat_plain", "user_01");

        var custom = await host.Validation.ValidateAsync("mat_custom_token");
        var plain = await host.Validation.ValidateAsync("mat_plain");

        Assert.Equal("custom", custom.Identity!.Source);
        Assert.Equal(TokenSources.AuthKit, plain.Identity!.Source);
        Assert.Equal(1, host.Services.GetRequiredService<CountingValidator>().Calls);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task Unprefixed_tokens_go_to_the_fallback_when_one_is_configured()
    {
        await using var host = await CoreHost.StartAsync(configure: b => b.AddFallbackValidator<CountingValidator>());

        var result = await host.Validation.ValidateAsync("opaque0123456789");

        Assert.True(result.IsValid);
        Assert.Equal(1, host.Services.GetRequiredService<CountingValidator>().Calls);
    }

    [Fact]
    public async Task AcceptUnprefixedTokens_sends_them_to_userinfo()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:AuthKit:AcceptUnprefixedTokens"] = "true" });
        host.AuthKit.AddUser("plainOidcAccessToken123", "user_01");

        var result = await host.Validation.ValidateAsync("plainOidcAccessToken123");

        Assert.Equal("user_01", result.Identity!.Subject);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task Enrichers_run_once_per_fill_and_their_claims_are_cached()
    {
        await using var host = await CoreHost.StartAsync(configure: b => b.AddIdentityEnricher<LocalUserEnricher>());
        host.AuthKit.AddUser("mat_enrich", "user_01", "ada@example.com");

        for (int i = 0; i < 100; i++)
        {
            var result = await host.Validation.ValidateAsync("mat_enrich");
            Assert.Equal("42", result.Identity!.FindClaim("local_user_id"));
        }

        Assert.Equal(1, host.Services.GetServices<ITokenIdentityEnricher>().OfType<LocalUserEnricher>().Single().Calls);
    }

    [Fact]
    public async Task An_enricher_that_fails_makes_the_validation_unavailable_and_uncached()
    {
        await using var host = await CoreHost.StartAsync(configure: b => b.AddIdentityEnricher<FailingEnricher>());
        host.AuthKit.AddUser("mat_enrich", "user_01");

        var first = await host.Validation.ValidateAsync("mat_enrich");
        await host.Validation.ValidateAsync("mat_enrich");

        Assert.Equal(TokenValidationOutcome.Unavailable, first.Outcome);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    private sealed class LocalUserEnricher : ITokenIdentityEnricher
    {
        public int Calls;

        public ValueTask<TokenIdentity> EnrichAsync(TokenIdentity identity, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return new(identity.WithClaims(new TokenClaim("local_user_id", "42")));
        }
    }

    private sealed class FailingEnricher : ITokenIdentityEnricher
    {
        public ValueTask<TokenIdentity> EnrichAsync(TokenIdentity identity, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("database down");
    }
}
