using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace TokenValidation.Tests.Core;

/// <summary>
/// CONTRACT §9: a validation is counted under the source that vouched for the token (the identity's), on a miss and on
/// a hit alike; an answer with no identity is counted under the route's name.
/// </summary>
public sealed class ValidationMetricSourceTests
{
    [Fact]
    public async Task Validations_are_counted_under_the_identitys_source_and_otherwise_under_the_route()
    {
        await using var host = await CoreHost.StartAsync(configure: b => b.AddValidator<ProgrammedValidator>("prg_", "route_name"));
        using var validations = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "TokenValidation", "tokenvalidation.validations");
        var programmed = host.Services.GetRequiredService<ProgrammedValidator>();

        Assert.True((await host.Validation.ValidateAsync("prg_valid_0123456789")).IsValid);
        Assert.True((await host.Validation.ValidateAsync("prg_valid_0123456789")).IsValid);
        programmed.Answer = _ => TokenCheckResult.Invalid("No.");
        Assert.False((await host.Validation.ValidateAsync("prg_invalid_0123456789")).IsValid);
        Assert.False((await host.Validation.ValidateAsync("prg_invalid_0123456789")).IsValid);

        var counted = validations.GetMeasurementSnapshot()
            .Select(m => $"{m.Tags["tokenvalidation.outcome"]}/{m.Tags["tokenvalidation.source"]}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(["invalid/route_name", "invalid/route_name", "valid/programmed", "valid/programmed"], counted);
    }
}
