using System.Diagnostics.Metrics;
using System.Reflection;
using TokenValidation.Diagnostics;

namespace TokenValidation.Tests.Observability;

/// <summary>
/// CONTRACT §9: what an exporter shows for each instrument (name, unit, description) and the version the meter and the
/// activity source report, read through a real <see cref="MeterListener"/> from one container's meter factory.
/// </summary>
public sealed class InstrumentTests
{
    private static readonly (string Name, string Unit, string Description)[] Expected =
    [
        ("tokenvalidation.validations", "{validation}", "Validations by outcome and source."),
        ("tokenvalidation.cache.hits", "{hit}", "Cache hits by level (l1, l2)."),
        ("tokenvalidation.cache.misses", "{miss}", "Cache misses by level (l1, l2)."),
        ("tokenvalidation.upstream.calls", "{call}", "Calls to a token's issuer by source and outcome."),
        ("tokenvalidation.coalesced_waits", "{wait}", "Requests that waited on another request's upstream call for the same token."),
        ("tokenvalidation.cache.l2.failures", "{failure}", "Level-2 cache reads or writes that failed or timed out."),
        ("tokenvalidation.upstream.rejections", "{rejection}", "Cache misses answered Unavailable because too many upstream calls were in flight."),
        ("tokenvalidation.upstream.retries", "{retry}", "Calls to a token's issuer retried after a transient failure, by source and reason."),
        ("tokenvalidation.circuit.transitions", "{transition}", "Circuit breaker state changes, by source and the state entered."),
        ("tokenvalidation.cache.refreshes", "{refresh}", "Background revalidations started by a hit in the last part of a valid entry's life, by source."),
        ("tokenvalidation.cache.stale_served", "{answer}", "Expired valid answers served because the issuer was unavailable (stale if error), by source."),
        ("tokenvalidation.rate_limited", "{miss}", "Cache misses answered 429 because their client exceeded its limit on new tokens, by source."),
        ("tokenvalidation.circuit.rejections", "{rejection}", "Cache misses answered Unavailable without calling the issuer because its circuit was open."),
        ("tokenvalidation.upstream.duration", "s", "Duration of calls to a token's issuer, retries included."),
    ];

    [Fact]
    public void Every_instrument_has_its_documented_unit_and_description_and_the_meter_and_source_carry_the_library_version()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTokenValidation().AddApiKeys();
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        var seen = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    lock (seen)
                    {
                        seen.Add(instrument);
                    }
                }
            },
        };
        listener.Start();

        var diagnostics = provider.GetRequiredService<TokenValidationDiagnostics>();

        string version = typeof(TokenValidationDiagnostics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(
            Expected.OrderBy(e => e.Name, StringComparer.Ordinal),
            seen.Select(i => (i.Name, i.Unit!, i.Description!)).OrderBy(e => e.Name, StringComparer.Ordinal));
        Assert.All(seen, i =>
        {
            Assert.Equal(TokenValidationDiagnostics.Name, i.Meter.Name);
            Assert.Equal(version, i.Meter.Version);
        });
        Assert.Equal(TokenValidationDiagnostics.Name, diagnostics.ActivitySource.Name);
        Assert.Equal(version, diagnostics.ActivitySource.Version);
    }
}
