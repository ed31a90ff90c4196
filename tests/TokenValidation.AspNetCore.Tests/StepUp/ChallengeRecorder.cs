using System.Collections.Concurrent;
using System.Net;

namespace TokenValidation.AspNetCore.Tests.StepUp;

/// <summary>Sits under the MCP client's HttpClient and keeps each answer's status and <c>WWW-Authenticate</c>, as sent.</summary>
internal sealed class ChallengeRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentQueue<(HttpStatusCode Status, string? Challenge)> _answers = new();

    public IReadOnlyList<(HttpStatusCode Status, string? Challenge)> Answers => [.. _answers];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        string? challenge = response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? string.Join(", ", values) : null;
        _answers.Enqueue((response.StatusCode, challenge));
        return response;
    }
}
