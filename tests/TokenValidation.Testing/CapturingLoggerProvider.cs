using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace TokenValidation.Testing;

/// <summary>One captured log entry.</summary>
/// <param name="Timestamp">When it was logged (wall clock).</param>
/// <param name="Level">Level.</param>
/// <param name="Category">Logger category.</param>
/// <param name="EventId">Event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception's <see cref="Exception.ToString"/>, if any.</param>
/// <param name="State">The structured state's key/value pairs (including <c>{OriginalFormat}</c>).</param>
/// <param name="Scopes">The active scopes, rendered (outermost first).</param>
public sealed record CapturedLog(
    DateTimeOffset Timestamp,
    LogLevel Level,
    string Category,
    EventId EventId,
    string Message,
    string? Exception,
    IReadOnlyList<KeyValuePair<string, object?>> State,
    IReadOnlyList<string> Scopes)
{
    /// <summary>The state rendered as <c>key=value, …</c>.</summary>
    public string StateText => string.Join(", ", State.Select(kv => $"{kv.Key}={CapturingLoggerProvider.Render(kv.Value)}"));

    /// <summary>Everything: level, category, event, message, state, scopes and exception.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder()
            .Append('[').Append(Level).Append("] ").Append(Category)
            .Append(" (").Append(EventId.Id.ToString(CultureInfo.InvariantCulture));
        if (EventId.Name is not null)
        {
            text.Append(' ').Append(EventId.Name);
        }

        text.Append("): ").Append(Message).Append(" {").Append(StateText).Append('}');
        if (Scopes.Count > 0)
        {
            text.Append(" scopes: ").AppendJoin(" => ", Scopes);
        }

        if (Exception is not null)
        {
            text.AppendLine().Append(Exception);
        }

        return text.ToString();
    }
}

/// <summary>
/// An <see cref="ILoggerProvider"/> that keeps every entry at every level (Trace up) in a thread-safe list, with
/// its message, structured state, scopes and exception rendered, so tests can assert on what was (and what was
/// never) logged — for example that no token appears in any log.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly object _lock = new();
    private readonly List<CapturedLog> _logs = [];
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>A snapshot of the entries so far, in order.</summary>
    public IReadOnlyList<CapturedLog> Logs
    {
        get
        {
            lock (_lock)
            {
                return [.. _logs];
            }
        }
    }

    /// <summary>Optional sink called with each entry's text (for example <c>ITestOutputHelper.WriteLine</c>).</summary>
    public Action<string>? Sink { get; set; }

    /// <summary>Whether any entry's full text (<see cref="CapturedLog.ToString"/>: message, state, scopes, category,
    /// exception) contains <paramref name="text"/>.</summary>
    /// <param name="text">What to look for.</param>
    /// <param name="comparison">How to compare (default ordinal).</param>
    /// <returns>True if found.</returns>
    public bool AnyContains(string text, StringComparison comparison = StringComparison.Ordinal)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Logs.Any(log => log.ToString().Contains(text, comparison));
    }

    /// <summary>Entries at <paramref name="level"/> or above.</summary>
    /// <param name="level">Minimum level.</param>
    /// <returns>The entries.</returns>
    public IReadOnlyList<CapturedLog> AtLeast(LogLevel level) => [.. Logs.Where(l => l.Level >= level)];

    /// <summary>Forgets all entries.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _logs.Clear();
        }
    }

    /// <summary>A logger factory at Trace level whose only provider is this one.</summary>
    /// <returns>The factory (dispose it; disposing it does not clear the captured logs).</returns>
    public ILoggerFactory CreateLoggerFactory() =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new NonDisposing(this)));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Nothing to release; the captured entries stay readable.</summary>
    public void Dispose()
    {
    }

    internal static string Render(object? value) => value switch
    {
        null => "(null)",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Render)) + "]",
        _ => value.ToString() ?? string.Empty,
    };

    private void Add(CapturedLog log)
    {
        lock (_lock)
        {
            _logs.Add(log);
        }

        Sink?.Invoke(log.ToString());
    }

    private sealed class NonDisposing(CapturingLoggerProvider inner) : ILoggerProvider, ISupportExternalScope
    {
        public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => inner.SetScopeProvider(scopeProvider);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            IReadOnlyList<KeyValuePair<string, object?>> pairs = state is IEnumerable<KeyValuePair<string, object?>> kvs
                ? [.. kvs]
                : [];

            var scopes = new List<string>();
            owner._scopes.ForEachScope(
                static (scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> scopePairs && scope.GetType() != typeof(string))
                    {
                        var rendered = string.Join(", ", scopePairs.Select(kv => $"{kv.Key}={Render(kv.Value)}"));
                        list.Add($"{scope} {{{rendered}}}");
                    }
                    else
                    {
                        list.Add(Render(scope));
                    }
                },
                scopes);

            owner.Add(new CapturedLog(
                DateTimeOffset.UtcNow,
                logLevel,
                category,
                eventId,
                message,
                exception?.ToString(),
                pairs,
                scopes));
        }
    }
}
