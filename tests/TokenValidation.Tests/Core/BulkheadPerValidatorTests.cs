using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace TokenValidation.Tests.Core;

/// <summary>
/// CONTRACT §7: upstream calls in flight are bounded per validator. One validator answering several prefixes has one
/// bound for all of them; the fallback has its own; beyond the bound a miss is Unavailable at once, with a warning.
/// </summary>
public sealed class BulkheadPerValidatorTests
{
    private static readonly Dictionary<string, string?> OneSlot = new() { ["TokenValidation:MaxConcurrentUpstreamCalls"] = "1" };

    [Fact]
    public async Task A_validator_registered_for_two_prefixes_has_one_bound_for_both()
    {
        await using var host = await CoreHost.StartAsync(OneSlot, configure: b => b.AddValidator<GatedValidator>("aa_", "gated").AddValidator<GatedValidator>("bb_", "gated"));
        var gated = host.Services.GetRequiredService<GatedValidator>();
        using var rejections = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "TokenValidation", "tokenvalidation.upstream.rejections");
        var held = host.Validation.ValidateAsync("aa_held_0123456789").AsTask();
        await gated.WaitForInFlightAsync(1);

        // At once: a miss beyond the bound never waits for a slot.
        var refused = await host.Validation.ValidateAsync("bb_other_prefix_0123456789").AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(TokenValidationOutcome.Unavailable, refused.Outcome);
        Assert.Equal("Too many tokens are being checked at once.", refused.ErrorDescription);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.RetryAfter);
        Assert.Equal(1, gated.Calls);
        var rejection = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal((1L, (object?)"gated"), (rejection.Value, rejection.Tags["tokenvalidation.source"]));
        var warning = Assert.Single(host.Logs.GetSnapshot(), l => l.Message.Contains("bulkhead", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(LogLevel.Warning, warning.Level);
        gated.Release();
        Assert.True((await held).IsValid);
    }

    [Fact]
    public async Task The_fallback_validator_is_bounded_by_its_own_bulkhead_and_calls_in_flight_are_counted_across_validators()
    {
        await using var host = await CoreHost.StartAsync(OneSlot, configure: b => b.AddValidator<GatedValidator>("aa_", "gated").AddFallbackValidator<OtherGatedValidator>("fallback"));
        var prefixed = host.Services.GetRequiredService<GatedValidator>();
        var fallback = host.Services.GetRequiredService<OtherGatedValidator>();
        var heldPrefixed = host.Validation.ValidateAsync("aa_held_0123456789").AsTask();
        var heldFallback = host.Validation.ValidateAsync("unprefixed_held_0123456789").AsTask();
        await prefixed.WaitForInFlightAsync(1);
        await fallback.WaitForInFlightAsync(1);

        var refused = await host.Validation.ValidateAsync("unprefixed_refused_0123456789").AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(TokenValidationOutcome.Unavailable, refused.Outcome);
        Assert.Equal(1, fallback.Calls);
        Assert.Equal(2, host.Service.UpstreamCallsInFlight);
        prefixed.Release();
        fallback.Release();
        Assert.True((await heldPrefixed).IsValid);
        Assert.True((await heldFallback).IsValid);
        Assert.Equal(0, host.Service.UpstreamCallsInFlight);
    }
}
