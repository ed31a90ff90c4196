using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenValidation.ApiKeys;

namespace TokenValidation.Tests.ApiKeys;

/// <summary>CONTRACT §6: API keys by hash, fixed-time lookup, expiry; configuration never holds a key.</summary>
public sealed class ApiKeyTests
{
    // Minted once with ApiKeyGenerator for this test; only the hash goes into configuration.
    private static readonly ApiKey Key = ApiKeyGenerator.Generate();
    private static readonly ApiKey ExpiredKey = ApiKeyGenerator.Generate();

    private static Dictionary<string, string?> Settings() => new()
    {
        ["TokenValidation:ApiKeys:Keys:0:Name"] = "ci-bot",
        ["TokenValidation:ApiKeys:Keys:0:Hash"] = Key.Hash,
        ["TokenValidation:ApiKeys:Keys:0:Subject"] = "svc_ci",
        ["TokenValidation:ApiKeys:Keys:0:Scopes:0"] = "mcp:tools",
        ["TokenValidation:ApiKeys:Keys:1:Name"] = "old-bot",
        ["TokenValidation:ApiKeys:Keys:1:Hash"] = ExpiredKey.Hash.ToUpperInvariant(),
        ["TokenValidation:ApiKeys:Keys:1:ExpiresAt"] = "2000-01-01T00:00:00Z",
    };

    [Fact]
    public async Task The_right_key_is_valid_with_its_subject_scopes_and_name()
    {
        await using var host = await CoreHost.StartAsync(Settings());

        var result = await host.Validation.ValidateAsync(Key.Key);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal("svc_ci", result.Identity!.Subject);
        Assert.Equal(TokenSources.ApiKey, result.Identity.Source);
        Assert.Equal(["mcp:tools"], result.Identity.Scopes);
        Assert.Equal("ci-bot", result.Identity.FindClaim("api_key_name"));
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_key_wrong_by_one_character_is_invalid()
    {
        await using var host = await CoreHost.StartAsync(Settings());
        char last = Key.Key[^1];
        string wrong = Key.Key[..^1] + (last == 'A' ? 'B' : 'A');

        var result = await host.Validation.ValidateAsync(wrong);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
    }

    [Fact]
    public async Task An_expired_key_is_invalid()
    {
        await using var host = await CoreHost.StartAsync(Settings());

        var result = await host.Validation.ValidateAsync(ExpiredKey.Key);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal("The API key has expired.", result.ErrorDescription);
    }

    [Fact]
    public async Task An_unknown_key_is_invalid_and_never_reaches_authkit()
    {
        await using var host = await CoreHost.StartAsync(Settings());

        var result = await host.Validation.ValidateAsync(ApiKeyGenerator.Generate().Key);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_key_valid_now_is_cached_no_longer_than_its_expiry()
    {
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "short",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = Key.Hash,
            ["TokenValidation:ApiKeys:Keys:0:ExpiresAt"] = "2030-01-01T00:01:00Z",
        });
        host.Time.SetUtcNow(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.True((await host.Validation.ValidateAsync(Key.Key)).IsValid);
        host.Time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(Key.Key)).Outcome);
    }

    [Fact]
    public async Task A_key_validates_against_configuration_that_holds_only_its_hash()
    {
        var settings = Settings();
        await using var host = await CoreHost.StartAsync(settings);

        var result = await host.Validation.ValidateAsync(Key.Key);
        var bound = host.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.Keys;

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.DoesNotContain(settings.Values, v => v!.Contains(Key.Key, StringComparison.Ordinal));
        Assert.Equal(ApiKeyGenerator.ComputeHash(Key.Key), bound[0].Hash, ignoreCase: true);
    }

    [Fact]
    public async Task A_plaintext_key_in_configuration_fails_at_start_up_naming_the_key()
    {
        var settings = Settings();
        settings["TokenValidation:ApiKeys:Keys:0:Hash"] = Key.Key;
        await using var host = await CoreHost.StartAsync(settings);

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value);

        Assert.Contains("TokenValidation:ApiKeys:Keys:0:Hash", error.Message);
        Assert.Contains("plaintext", error.Message);
        Assert.DoesNotContain(Key.Key, error.Message);
    }

    [Fact]
    public void Generated_keys_have_the_prefix_256_bits_and_a_matching_hash()
    {
        var key = ApiKeyGenerator.Generate();

        Assert.StartsWith("wcd_", key.Key);
        Assert.Equal(4 + 43, key.Key.Length);
        Assert.True(TokenValidation.Parsing.BearerTokenReader.IsB64Token(key.Key));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key.Key))), key.Hash);
        Assert.NotEqual(key.Key, ApiKeyGenerator.Generate().Key);
    }

    [Fact]
    public async Task An_application_key_store_replaces_configuration()
    {
        await using var host = await CoreHost.StartAsync(configure: b => b.AddApiKeyStore<SingleKeyStore>());

        Assert.True((await host.Validation.ValidateAsync(SingleKeyStore.Key.Key)).IsValid);
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(Key.Key)).Outcome);
    }

    private sealed class SingleKeyStore : IApiKeyStore
    {
        public static readonly ApiKey Key = ApiKeyGenerator.Generate();

        public ValueTask<ApiKeyDescriptor?> FindByHashAsync(ReadOnlyMemory<byte> keyHash, CancellationToken cancellationToken) =>
            new(System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(keyHash.Span, Convert.FromHexString(Key.Hash))
                ? new ApiKeyDescriptor { Name = "db-key", Hash = Key.Hash }
                : null);
    }
}
