using Microsoft.Extensions.Logging;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Core;

/// <summary>
/// CONTRACT §4: Unavailable always carries a <c>Retry-After</c> (the validator's own, else the configured default) and a
/// description safe to show; a validator or enricher that throws is Unavailable too, logged as a warning without the token.
/// </summary>
public sealed class UnavailableAnswerTests
{
    private const string Token = "prg_unavailable_0123456789abcdef";

    private static readonly Dictionary<string, string?> SevenSeconds = new() { ["TokenValidation:DefaultRetryAfterSeconds"] = "7" };

    [Fact]
    public async Task An_unavailable_answer_without_a_Retry_After_gets_the_configured_default_and_keeps_its_description()
    {
        await using var host = await CoreHost.StartAsync(SevenSeconds, configure: b => b.AddValidator<ProgrammedValidator>("prg_"));
        host.Services.GetRequiredService<ProgrammedValidator>().Answer = _ => TokenCheckResult.Unavailable("The issuer is down.");

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal("The issuer is down.", result.ErrorDescription);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task An_unavailable_answer_with_its_own_Retry_After_is_passed_on_unchanged()
    {
        await using var host = await CoreHost.StartAsync(SevenSeconds, configure: b => b.AddValidator<ProgrammedValidator>("prg_"));
        host.Services.GetRequiredService<ProgrammedValidator>().Answer = _ => TokenCheckResult.Unavailable("Slow down.", TimeSpan.FromSeconds(42));

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal("Slow down.", result.ErrorDescription);
        Assert.Equal(TimeSpan.FromSeconds(42), result.RetryAfter);
    }

    [Fact]
    public async Task An_unavailable_answer_without_a_description_gets_one()
    {
        await using var host = await CoreHost.StartAsync(configure: b => b.AddValidator<ProgrammedValidator>("prg_"));
        host.Services.GetRequiredService<ProgrammedValidator>().Answer = _ => TokenCheckResult.Unavailable(null!);

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal("The token could not be checked.", result.ErrorDescription);
        Assert.Equal(TimeSpan.FromSeconds(5), result.RetryAfter);
    }

    [Fact]
    public async Task A_validator_that_throws_is_unavailable_and_its_warning_names_the_exception_but_never_the_token()
    {
        await using var host = await CoreHost.StartAsync(SevenSeconds, configure: b => b.AddValidator<ProgrammedValidator>("prg_"));
        host.Services.GetRequiredService<ProgrammedValidator>().Answer = token => throw new InvalidOperationException($"database refused {token}");

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal("The token could not be checked.", result.ErrorDescription);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        var warning = Assert.Single(host.Logs.GetSnapshot(), l => l.Message.Contains("threw", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("InvalidOperationException: database refused [token]", warning.Message, StringComparison.Ordinal);
        Assert.False(host.Logs.AnyContains(Token));
    }

    [Fact]
    public async Task An_enricher_that_throws_is_unavailable_with_its_own_description_and_a_warning()
    {
        await using var host = await CoreHost.StartAsync(SevenSeconds, configure: b => b.AddValidator<ProgrammedValidator>("prg_").AddIdentityEnricher<ThrowingEnricher>());

        var result = await host.Validation.ValidateAsync(Token);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal("The caller's account could not be loaded.", result.ErrorDescription);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        var warning = Assert.Single(host.Logs.GetSnapshot(), l => l.Message.Contains("enrichment failed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.IsType<InvalidOperationException>(warning.Exception);
    }

    private sealed class ThrowingEnricher : ITokenIdentityEnricher
    {
        public ValueTask<TokenIdentity> EnrichAsync(TokenIdentity identity, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("accounts database down");
    }
}
