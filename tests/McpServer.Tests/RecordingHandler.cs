using System.Collections.Concurrent;
using System.Net;

namespace McpServerSample.Tests;

/// <summary>Records what the MCP client sent and got back, so a test can look at the HTTP underneath it.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentQueue<Exchange> _exchanges = new();

    /// <summary>Every request and its answer, in order.</summary>
    public IReadOnlyList<Exchange> Exchanges => [.. _exchanges];

    /// <summary>The first answer with <paramref name="status"/>.</summary>
    public Exchange First(HttpStatusCode status) =>
        Exchanges.FirstOrDefault(e => e.Status == status)
        ?? throw new InvalidOperationException($"No {(int)status} among: {string.Join(", ", Exchanges.Select(e => $"{e.Method} {e.Url} {(int)e.Status}"))}");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        _exchanges.Enqueue(new Exchange(
            request.Method.Method,
            request.RequestUri!,
            response.StatusCode,
            response.Headers.WwwAuthenticate.ToString(),
            response.Content.Headers.Allow.Count == 0 ? null : string.Join(", ", response.Content.Headers.Allow)));
        return response;
    }

    /// <summary>One request and the parts of its answer the tests look at.</summary>
    public sealed record Exchange(string Method, Uri Url, HttpStatusCode Status, string WwwAuthenticate, string? Allow);
}
