using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenValidation.ApiKeys;
using TokenValidation.Caching;

namespace TokenValidation.Tests.Core;

/// <summary>
/// The defaults the contract names (§2 token length, §5 answer size, §6 key prefix, §7 L1 bound), each pinned by what a
/// caller sees with no configuration at all, so changing a default fails here rather than nowhere.
/// </summary>
public sealed class DefaultsTests
{
    [Fact]
    public async Task A_token_of_4096_characters_is_checked_and_one_of_4097_is_refused_without_an_upstream_call()
    {
        await using var host = await CoreHost.StartAsync();

        var longest = await host.Validation.ValidateAsync("mat_" + new string('a', 4096 - 4));
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
        var tooLong = await host.Validation.ValidateAsync("mat_" + new string('a', 4097 - 4));

        Assert.Equal(TokenValidationOutcome.Invalid, longest.Outcome);
        Assert.Equal(TokenValidationOutcome.Invalid, tooLong.Outcome);
        Assert.Equal("The token is too long.", tooLong.ErrorDescription);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_userinfo_answer_of_64_KiB_is_read_and_one_byte_more_is_unavailable(bool chunked)
    {
        await using var host = await CoreHost.StartAsync();

        host.AuthKit.RespondWithLargeBody(64 * 1024, chunked);
        var atLimit = await host.Validation.ValidateAsync("mat_at_the_limit");
        host.AuthKit.RespondWithLargeBody((64 * 1024) + 1, chunked);
        var overLimit = await host.Validation.ValidateAsync("mat_over_the_limit");

        Assert.Equal(TokenValidationOutcome.Valid, atLimit.Outcome);
        Assert.Equal("usr_large", atLimit.Identity!.Subject);
        Assert.Equal(TokenValidationOutcome.Unavailable, overLimit.Outcome);
    }

    [Fact]
    public async Task Api_keys_are_recognised_by_their_configured_prefix_and_wcd_is_only_the_default()
    {
        var custom = ApiKeyGenerator.Generate("sk_live_");
        var withDefaultPrefix = ApiKeyGenerator.Generate();
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:ApiKeys:Prefix"] = "sk_live_",
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "custom",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = custom.Hash,
            ["TokenValidation:ApiKeys:Keys:1:Name"] = "default-prefixed",
            ["TokenValidation:ApiKeys:Keys:1:Hash"] = withDefaultPrefix.Hash,
        });

        var valid = await host.Validation.ValidateAsync(custom.Key);
        var unknownKind = await host.Validation.ValidateAsync(withDefaultPrefix.Key);

        Assert.Equal(TokenValidationOutcome.Valid, valid.Outcome);
        Assert.Equal(TokenSources.ApiKey, valid.Identity!.Source);
        Assert.Equal(TokenValidationOutcome.Invalid, unknownKind.Outcome);
        Assert.Equal("The token is not of a kind this server accepts.", unknownKind.ErrorDescription);
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task With_no_configuration_the_key_prefix_is_wcd_and_the_L1_bound_is_100000()
    {
        await using var host = await CoreHost.StartAsync();

        Assert.Equal("wcd_", host.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.Prefix);
        Assert.Equal(100_000, host.Services.GetRequiredService<IOptions<TokenCacheOptions>>().Value.MaxEntries);
    }
}
