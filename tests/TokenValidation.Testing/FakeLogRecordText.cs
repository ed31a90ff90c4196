using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Testing;

namespace TokenValidation.Testing;

/// <summary>
/// Renders a framework <see cref="FakeLogRecord"/> as everything a log sink could write for it, so "no token in any
/// log" checks look past the formatted message into the structured state, the scopes and the exception.
/// </summary>
public static class FakeLogRecordText
{
    /// <summary>
    /// Level, category, event id and name, message, every structured-state pair, every active scope (its text and
    /// its key/value pairs) and the exception's <see cref="Exception.ToString"/>.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <returns>The text.</returns>
    public static string ToFullText(this FakeLogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var text = new StringBuilder()
            .Append('[').Append(record.Level).Append("] ").Append(record.Category)
            .Append(" (").Append(record.Id.Id.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(record.Id.Name)
            .Append("): ").Append(record.Message);

        // FakeLogger keeps key/value state as strings, and any other state as its ToString().
        switch (record.State)
        {
            case IEnumerable<KeyValuePair<string, string?>> pairs:
                text.Append(" {").AppendJoin(", ", pairs.Select(kv => $"{kv.Key}={kv.Value}")).Append('}');
                break;
            case { } other:
                text.Append(" {").Append(Render(other)).Append('}');
                break;
        }

        foreach (var scope in record.Scopes)
        {
            // A scope is kept as the object pushed: render its own text and, if it has them, its key/value pairs.
            if (scope is IEnumerable<KeyValuePair<string, object?>> scopePairs)
            {
                text.Append(" => ").Append(scope.ToString())
                    .Append(" {").AppendJoin(", ", scopePairs.Select(kv => $"{kv.Key}={Render(kv.Value)}")).Append('}');
            }
            else
            {
                text.Append(" => ").Append(Render(scope));
            }
        }

        if (record.Exception is not null)
        {
            text.AppendLine().Append(record.Exception);
        }

        return text.ToString();
    }

    /// <summary>Whether any record's <see cref="ToFullText"/> contains <paramref name="value"/> (ordinal).</summary>
    /// <param name="collector">The collector.</param>
    /// <param name="value">What to look for.</param>
    /// <returns>True if found.</returns>
    public static bool AnyContains(this FakeLogCollector collector, string value)
    {
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(value);
        return collector.GetSnapshot().Any(record => record.ToFullText().Contains(value, StringComparison.Ordinal));
    }

    private static string Render(object? value) => value switch
    {
        null => "(null)",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Render)) + "]",
        _ => value.ToString() ?? string.Empty,
    };
}
