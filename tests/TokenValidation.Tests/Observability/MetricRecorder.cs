using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TokenValidation.Diagnostics;

namespace TokenValidation.Tests.Observability;

/// <summary>
/// Collects the library's measurements from one container's meter (by its <see cref="IMeterFactory"/> scope, so tests
/// running in parallel never see each other's): counters summed, histograms counted, keyed by name and sorted tags.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _values = new(StringComparer.Ordinal);

    public MetricRecorder(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TokenValidationDiagnostics.Name && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument.Name, tags, value));
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Add(instrument.Name + ".count", tags, 1));
        _listener.Start();
    }

    /// <summary>Every series so far, as <c>name{k=v,…}</c> → value.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_values, StringComparer.Ordinal);

    public static string Key(string name, params (string Key, string Value)[] tags) =>
        name + "{" + string.Join(",", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value)) + "}";

    public void Dispose() => _listener.Dispose();

    private void Add(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags, long value)
    {
        var pairs = new (string, string)[tags.Length];
        for (int i = 0; i < tags.Length; i++)
        {
            pairs[i] = (tags[i].Key, Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        _values.AddOrUpdate(Key(name, pairs), value, (_, sum) => sum + value);
    }
}
