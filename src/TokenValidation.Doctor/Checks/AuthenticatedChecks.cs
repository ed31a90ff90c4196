using System.Text.Json;
using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor.Checks;

/// <summary>
/// With <c>--token</c>: an MCP session over Streamable HTTP by hand (initialize, notifications/initialized,
/// tools/list, the session id carried when the server gives one), then the same initialize with a wrong token,
/// which must get 401 <c>invalid_token</c>. The token is sent to the endpoint only and never printed.
/// </summary>
internal sealed class AuthenticatedChecks : ICheckGroup
{
    private const string InitializeTitle = "Authenticated initialize succeeds";
    private const string ToolsTitle = "Authenticated tools/list succeeds";
    private const string WrongTokenTitle = "A wrong token gets 401 invalid_token";

    public async Task RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        if (context.Token is not { } token)
        {
            foreach (var (id, title) in new[] { ("token-initialize", InitializeTitle), ("token-tools-list", ToolsTitle), ("token-wrong-401", WrongTokenTitle) })
            {
                context.Skip(id, title, "pass --token to run the authenticated checks");
            }

            return;
        }

        await SessionAsync(context, token, cancellationToken).ConfigureAwait(false);
        await WrongTokenAsync(context, token, cancellationToken).ConfigureAwait(false);
    }

    private static async Task SessionAsync(DoctorContext context, string token, CancellationToken cancellationToken)
    {
        string url = context.Endpoint.AbsoluteUri;
        var response = await context.Wire.SendAsync(HttpMethod.Post, url, token, McpMessages.Initialize, cancellationToken, McpMessages.PostHeaders()).ConfigureAwait(false);
        var result = Result(response, out string problem);
        if (result is not { } initialized)
        {
            context.Fail("token-initialize", InitializeTitle, "POST initialize with the token: " + problem, FixFor(response));
            context.Skip("token-tools-list", ToolsTitle, "initialize did not succeed");
            return;
        }

        var session = new Session(response.Header(McpMessages.SessionHeader), initialized.String("protocolVersion"));
        string server = initialized.TryGetProperty("serverInfo", out var info) && info.ValueKind == JsonValueKind.Object ? $"{info.String("name")} {info.String("version")}".Trim() : "(no serverInfo)";
        context.Pass("token-initialize", InitializeTitle,
            $"POST initialize: {response.StatusText}, {server}, protocol {session.ProtocolVersion ?? "(none)"}" + (session.SessionId is null ? ", stateless" : ", session started"));

        var headers = McpMessages.PostHeaders(session.SessionId, session.ProtocolVersion);
        var notified = await context.Wire.SendAsync(HttpMethod.Post, url, token, McpMessages.Initialized, cancellationToken, headers).ConfigureAwait(false);
        var listed = await context.Wire.SendAsync(HttpMethod.Post, url, token, McpMessages.ToolsList, cancellationToken, headers).ConfigureAwait(false);
        var tools = Result(listed, out problem) is { } list && list.TryGetProperty("tools", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(t => t.String("name") ?? "?").ToList()
            : null;
        if (tools is null)
        {
            context.Fail("token-tools-list", ToolsTitle,
                $"notifications/initialized: {notified.StatusText}; tools/list: " + (problem.Length > 0 ? problem : "no tools array in the result"),
                listed.Status is 400 or 404 && session.SessionId is not null
                    ? "The session id from initialize was not accepted: keep the session the server handed out (Mcp-Session-Id) valid for the requests that follow, or run stateless."
                    : FixFor(listed));
        }
        else
        {
            context.Pass("token-tools-list", ToolsTitle, $"notifications/initialized: {notified.StatusText}; tools/list: {tools.Count} tool(s)" + (tools.Count > 0 ? ": " + string.Join(", ", tools.Take(10)) : string.Empty));
        }

        if (session.SessionId is not null)
        {
            // Ends the session the check opened; the answer does not matter.
            await context.Wire.SendAsync(HttpMethod.Delete, url, token, null, cancellationToken, headers).ConfigureAwait(false);
        }
    }

    private static async Task WrongTokenAsync(DoctorContext context, string token, CancellationToken cancellationToken)
    {
        // The given token with its last character changed: the same shape, so the same validator judges it.
        string wrong = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        var response = await context.Wire.SendAsync(HttpMethod.Post, context.Endpoint.AbsoluteUri, wrong, McpMessages.Initialize, cancellationToken, McpMessages.PostHeaders()).ConfigureAwait(false);
        var challenge = BearerChallenge.FindBearer(response.Headers("WWW-Authenticate"));
        string saw = $"POST initialize with an altered token: {response.StatusText}" + (challenge is null ? string.Empty : $", error=\"{challenge["error"]}\"");
        if (response.Status == 401 && challenge?["error"] == "invalid_token")
        {
            context.Pass("token-wrong-401", WrongTokenTitle, saw);
        }
        else if (response.Status == 401)
        {
            context.Fail("token-wrong-401", WrongTokenTitle, saw,
                "Answer a rejected token with WWW-Authenticate: Bearer error=\"invalid_token\" (RFC 6750 §3.1): that is how clients know to refresh or sign in again instead of retrying.");
        }
        else
        {
            context.Fail("token-wrong-401", WrongTokenTitle, saw,
                response.Status is >= 200 and < 300
                    ? "The server accepted a token that was not issued: it is not checking tokens. Validate every bearer token with its issuer before serving the request."
                    : "A token the issuer does not know must get 401 with error=\"invalid_token\"; check the server's log for why it answered this instead.");
        }
    }

    /// <summary>The JSON-RPC result of a 200 answer, or null with what was wrong.</summary>
    private static JsonElement? Result(WireResponse response, out string problem)
    {
        problem = string.Empty;
        if (response.Status != 200)
        {
            var challenge = BearerChallenge.FindBearer(response.Headers("WWW-Authenticate"));
            problem = response.StatusText + (challenge?["error"] is { } error ? $", error=\"{error}\"" : string.Empty)
                + (challenge?["error_description"] is { } description ? $" ({description})" : string.Empty);
            return null;
        }

        var message = JsonDocuments.ParseObject(response.Body);
        if (message is null)
        {
            problem = "200 without a JSON-RPC message";
            return null;
        }

        if (message.Value.TryGetProperty("error", out var rpcError))
        {
            problem = $"JSON-RPC error {rpcError.GetRawText()}";
            return null;
        }

        if (!message.Value.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Object)
        {
            problem = "200 without a JSON-RPC result";
            return null;
        }

        return result;
    }

    private static string FixFor(WireResponse response) => response.Status switch
    {
        0 => "Check that the server is running and reachable.",
        401 => "The server rejected the token: check it was issued by an authorization server this server trusts, for this server (audience/resource), and has not expired. The error_description above says which.",
        403 => "The token lacks a scope this request needs: get a token with the scopes the challenge names.",
        406 => "Accept application/json and text/event-stream on POST, as MCP Streamable HTTP clients send them.",
        _ => "The request passed authentication but the MCP endpoint did not answer it: check the server's log.",
    };

    private sealed record Session(string? SessionId, string? ProtocolVersion);
}
