using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor.Checks;

/// <summary>
/// GET (the client's event stream) and DELETE (ending a session) without a token: 401 with the same Bearer challenge,
/// not 405. Authentication has to run before the endpoint decides what it supports.
/// </summary>
internal sealed class MethodChecks : ICheckGroup
{
    public async Task RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        await CheckAsync(context, HttpMethod.Get, "get-401", new Dictionary<string, string> { ["Accept"] = "text/event-stream" }, cancellationToken).ConfigureAwait(false);
        await CheckAsync(context, HttpMethod.Delete, "delete-401", null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CheckAsync(DoctorContext context, HttpMethod method, string id, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        string title = $"{method} without a token is answered 401";
        var response = await context.Wire.SendAsync(method, context.Endpoint.AbsoluteUri, null, null, cancellationToken, headers).ConfigureAwait(false);
        string saw = $"{method} without a token: {response.StatusText}";
        if (response.Status == 401)
        {
            if (BearerChallenge.FindBearer(response.Headers("WWW-Authenticate")) is null)
            {
                context.Warn(id, title, saw + ", without a Bearer challenge",
                    $"Send the same WWW-Authenticate: Bearer resource_metadata=... challenge on {method} as on POST.");
            }
            else
            {
                context.Pass(id, title, saw);
            }
        }
        else if (response.Status == 405)
        {
            context.Fail(id, title, saw,
                $"Run authentication before method handling: a {method} without a token must get the same 401 challenge as a POST. A 405 tells clients that probe with {method} nothing about where to sign in, and hides whether the endpoint is protected.");
        }
        else
        {
            context.Fail(id, title, saw,
                response.Answered
                    ? $"Protect every method of the MCP endpoint: a {method} without a token must get 401 with the Bearer challenge."
                    : "Check that the server is running and reachable.");
        }
    }
}
