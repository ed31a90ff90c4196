using Microsoft.Extensions.Options;
using TokenValidation.ApiKeys;

namespace TokenValidation.Tests.ApiKeys;

/// <summary>CONTRACT §6: what an API key's check answers: the descriptions clients read and the default subject.</summary>
public sealed class ApiKeyAnswerTests
{
    private static readonly ApiKey Key = ApiKeyGenerator.Generate();

    private static ApiKeyValidator Validator(ApiKeyDescriptor descriptor, FakeTimeProvider? time = null, FakeLogger<ApiKeyValidator>? logger = null) => new(
        new ConfigurationApiKeyStore(Options.Create(new ApiKeyOptions { Keys = { descriptor } })),
        time ?? new FakeTimeProvider(),
        logger ?? new FakeLogger<ApiKeyValidator>());

    [Fact]
    public async Task Each_rejection_is_logged_with_the_key_name_and_reason_and_never_the_key()
    {
        var logger = new FakeLogger<ApiKeyValidator>();
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var validator = Validator(new ApiKeyDescriptor { Name = "old-bot", Hash = Key.Hash, ExpiresAt = time.GetUtcNow() }, time, logger);

        await validator.ValidateAsync("wcd_someone_else", default);
        await validator.ValidateAsync(Key.Key, default);

        var messages = logger.Collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Equal(2, messages.Count);
        Assert.StartsWith("API key (unknown) rejected for token ", messages[0], StringComparison.Ordinal);
        Assert.EndsWith(": unknown key", messages[0], StringComparison.Ordinal);
        Assert.StartsWith("API key old-bot rejected for token ", messages[1], StringComparison.Ordinal);
        Assert.EndsWith(": expired", messages[1], StringComparison.Ordinal);
        Assert.All(messages, m => Assert.DoesNotContain(Key.Key, m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_key_is_invalid_saying_it_is_not_recognised()
    {
        var result = await Validator(new ApiKeyDescriptor { Name = "ci-bot", Hash = Key.Hash }).ValidateAsync("wcd_someone_else", default);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal("The API key is not recognised.", result.ErrorDescription);
    }

    [Fact]
    public async Task A_key_is_invalid_from_the_instant_it_expires_saying_so()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var validator = Validator(new ApiKeyDescriptor { Name = "ci-bot", Hash = Key.Hash, ExpiresAt = time.GetUtcNow().AddSeconds(1) }, time);

        var before = await validator.ValidateAsync(Key.Key, default);
        time.Advance(TimeSpan.FromSeconds(1));
        var at = await validator.ValidateAsync(Key.Key, default);

        Assert.Equal(TokenValidationOutcome.Valid, before.Outcome);
        Assert.Equal(TokenValidationOutcome.Invalid, at.Outcome);
        Assert.Equal("The API key has expired.", at.ErrorDescription);
    }

    [Fact]
    public async Task Without_a_subject_a_key_authenticates_as_apikey_and_its_name()
    {
        var result = await Validator(new ApiKeyDescriptor { Name = "ci-bot", Hash = Key.Hash }).ValidateAsync(Key.Key, default);

        Assert.Equal("apikey:ci-bot", result.Identity!.Subject);
        Assert.Equal("ci-bot", result.Identity.Name);
    }

    [Fact]
    public void A_null_prefix_is_refused_rather_than_minting_a_key_without_one()
    {
        Assert.Throws<ArgumentNullException>(() => ApiKeyGenerator.Generate(null!));
    }

    [Fact]
    public void A_descriptor_starts_with_an_empty_name_and_hash_for_validation_to_refuse()
    {
        var descriptor = new ApiKeyDescriptor();

        Assert.Equal("", descriptor.Name);
        Assert.Equal("", descriptor.Hash);
    }
}
