using System.Net;

namespace TokenValidation.Doctor.Wire;

/// <summary>An HTTP answer as it came off the wire (headers unvalidated), or why there was none.</summary>
internal sealed class WireResponse
{
    private readonly Dictionary<string, string[]> _headers;

    private WireResponse(string url, int status, string? reason, Dictionary<string, string[]> headers, string body, string? error)
    {
        Url = url;
        Status = status;
        Reason = reason;
        _headers = headers;
        Body = body;
        Error = error;
    }

    /// <summary>The URL requested.</summary>
    public string Url { get; }

    /// <summary>The HTTP status, 0 when no answer came.</summary>
    public int Status { get; }

    /// <summary>The reason phrase the server sent.</summary>
    public string? Reason { get; }

    /// <summary>The body (for an event stream: the data of the first JSON-RPC response in it), at most <see cref="WireClient.MaxBodyChars"/>.</summary>
    public string Body { get; }

    /// <summary>Why there is no answer (connection refused, timeout), or null.</summary>
    public string? Error { get; }

    /// <summary>True when an HTTP answer came.</summary>
    public bool Answered => Error is null;

    /// <summary>"401 Unauthorized", or the error.</summary>
    public string StatusText => Answered ? $"{Status} {Reason ?? ((HttpStatusCode)Status).ToString()}" : Error!;

    /// <summary>Every value of <paramref name="name"/> (case-insensitive), empty when absent.</summary>
    public IReadOnlyList<string> Headers(string name) => _headers.TryGetValue(name, out var values) ? values : [];

    /// <summary>The values of <paramref name="name"/> joined with ", ", or null when absent.</summary>
    public string? Header(string name) => _headers.TryGetValue(name, out var values) ? string.Join(", ", values) : null;

    /// <summary>An answer.</summary>
    public static WireResponse FromAnswer(string url, int status, string? reason, Dictionary<string, string[]> headers, string body) =>
        new(url, status, reason, headers, body, null);

    /// <summary>No answer.</summary>
    public static WireResponse FromError(string url, string error) =>
        new(url, 0, null, new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase), string.Empty, error);
}
