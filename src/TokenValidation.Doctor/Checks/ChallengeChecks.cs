using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor.Checks;

/// <summary>
/// The first thing a client does: POST to the endpoint without a token. It must get 401 with a Bearer challenge
/// pointing at the Protected Resource Metadata, naming the scopes, without <c>error</c>, readable by browsers.
/// </summary>
internal sealed class ChallengeChecks : ICheckGroup
{
    public async Task RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var response = await PostAsync(context, asBrowser: true, cancellationToken).ConfigureAwait(false);
        bool originRefused = false;
        if (response.Status == 403)
        {
            // Refused for its Origin (DNS-rebinding protection)? A desktop client sends none.
            var withoutOrigin = await PostAsync(context, asBrowser: false, cancellationToken).ConfigureAwait(false);
            if (withoutOrigin.Status == 401)
            {
                response = withoutOrigin;
                originRefused = true;
            }
        }

        const string Title = "POST without a token is answered 401";
        if (response.Status != 401)
        {
            context.Fail("post-401", Title, $"POST {context.EndpointText} without a token: {response.StatusText}", FixFor(response, context));
            foreach (var (id, title) in new[] { ("challenge-bearer", "WWW-Authenticate: Bearer"), ("challenge-resource-metadata", "Challenge carries resource_metadata"), ("challenge-scope", "Challenge carries scope"), ("challenge-no-error", "No error= without a token"), ("challenge-cors", "Challenge readable by browsers") })
            {
                context.Skip(id, title, "no 401 to read");
            }

            return;
        }

        context.Pass("post-401", Title, $"POST {context.EndpointText} without a token: {response.StatusText}");
        var values = response.Headers("WWW-Authenticate");
        var challenge = BearerChallenge.FindBearer(values);
        context.Challenge = challenge;
        if (challenge is null)
        {
            context.Fail("challenge-bearer", "WWW-Authenticate: Bearer",
                values.Count == 0 ? "the 401 has no WWW-Authenticate header" : $"WWW-Authenticate has no Bearer challenge: {string.Join(", ", values)}",
                $"Answer every unauthenticated request with 401 and WWW-Authenticate: Bearer resource_metadata=\"{WellKnownUrls.RootProtectedResource(context.Endpoint)}\". MCP clients only start sign-in from a Bearer challenge.");
        }
        else
        {
            context.Pass("challenge-bearer", "WWW-Authenticate: Bearer", "WWW-Authenticate: " + string.Join(", ", values));
        }

        CheckResourceMetadata(context, challenge);
        CheckScope(context, challenge);
        CheckNoError(context, challenge);
        CheckCors(context, response, originRefused);
    }

    private static Task<WireResponse> PostAsync(DoctorContext context, bool asBrowser, CancellationToken cancellationToken) =>
        context.Wire.SendAsync(HttpMethod.Post, context.Endpoint.AbsoluteUri, null, McpMessages.Initialize, cancellationToken, McpMessages.PostHeaders(), asBrowser);

    private static void CheckResourceMetadata(DoctorContext context, BearerChallenge? challenge)
    {
        const string Id = "challenge-resource-metadata";
        const string Title = "Challenge carries resource_metadata";
        string rootMetadata = WellKnownUrls.RootProtectedResource(context.Endpoint);
        string? value = challenge?["resource_metadata"];
        context.SawUrl("resource_metadata in WWW-Authenticate", value);
        if (challenge is null)
        {
            context.Skip(Id, Title, "no Bearer challenge");
        }
        else if (value is null)
        {
            context.Fail(Id, Title, "the Bearer challenge has no resource_metadata",
                $"Add resource_metadata=\"{rootMetadata}\" to the Bearer challenge: it is how MCP clients find your Protected Resource Metadata (RFC 9728) and, through it, your authorization server. Without it some clients give up with \"couldn't connect\".");
        }
        else if (UrlText.TryAbsolute(value) is null)
        {
            context.Fail(Id, Title, $"resource_metadata={UrlText.Show(value)} is not an absolute http(s) URL",
                $"Write resource_metadata as the absolute URL of the metadata document, e.g. \"{rootMetadata}\".");
        }
        else
        {
            context.Pass(Id, Title, "resource_metadata=" + UrlText.Show(value));
        }
    }

    private static void CheckScope(DoctorContext context, BearerChallenge? challenge)
    {
        const string Id = "challenge-scope";
        const string Title = "Challenge carries scope";
        if (challenge is null)
        {
            context.Skip(Id, Title, "no Bearer challenge");
        }
        else if (challenge["scope"] is not { Length: > 0 } scope)
        {
            context.Warn(Id, Title, "the Bearer challenge has no scope",
                "Add scope=\"...\" with the scopes this endpoint needs (the ones in your metadata's scopes_supported): clients then ask the user for exactly those instead of guessing.");
        }
        else
        {
            context.Pass(Id, Title, $"scope=\"{scope}\"");
        }
    }

    private static void CheckNoError(DoctorContext context, BearerChallenge? challenge)
    {
        const string Id = "challenge-no-error";
        const string Title = "No error= without a token";
        if (challenge is null)
        {
            context.Skip(Id, Title, "no Bearer challenge");
        }
        else if (challenge["error"] is { } error)
        {
            context.Fail(Id, Title, $"the challenge to a request without any token says error=\"{error}\"",
                "Leave error out when the request carried no token (RFC 6750 §3.1): error=\"invalid_token\" tells a client its token was rejected, so it tries to refresh or loops instead of starting sign-in. Send error only when a token was presented.");
        }
        else
        {
            context.Pass(Id, Title, "no error attribute");
        }
    }

    private static void CheckCors(DoctorContext context, WireResponse response, bool originRefused)
    {
        const string Id = "challenge-cors";
        const string Title = "Challenge readable by browsers";
        if (originRefused)
        {
            context.Warn(Id, Title, $"a POST with Origin: {WireClient.BrowserOrigin} got 403, the same POST without an Origin got 401",
                "The server refuses requests from other web origins (DNS-rebinding protection). Desktop and server-side clients are unaffected; to let browser-based clients (MCP Inspector, web apps) connect, allow their origins and add Access-Control-Allow-Origin and Access-Control-Expose-Headers: WWW-Authenticate to the 401.");
            return;
        }

        string? allowOrigin = response.Header("Access-Control-Allow-Origin");
        string? expose = response.Header("Access-Control-Expose-Headers");
        bool exposed = expose is not null && expose.Split(',').Select(h => h.Trim()).Any(h => h == "*" || string.Equals(h, "WWW-Authenticate", StringComparison.OrdinalIgnoreCase));
        string saw = $"Access-Control-Allow-Origin: {allowOrigin ?? "(none)"}, Access-Control-Expose-Headers: {expose ?? "(none)"}";
        if (allowOrigin is null || !exposed)
        {
            context.Fail(Id, Title, saw,
                "Add Access-Control-Allow-Origin: * and Access-Control-Expose-Headers: WWW-Authenticate to 401 answers: browser-based clients (MCP Inspector, web apps) otherwise cannot read the challenge and report a CORS error.");
        }
        else
        {
            context.Pass(Id, Title, saw);
        }
    }

    private static string FixFor(WireResponse response, DoctorContext context) => response.Status switch
    {
        0 => "Check that the server is running and the URL is right (scheme, host, port).",
        >= 200 and < 300 => "The endpoint answers without authentication. Require a token on it (ASP.NET Core: RequireAuthorization() on the MCP endpoint) so clients learn they must sign in.",
        >= 300 and < 400 => $"Serve the MCP endpoint at exactly {context.EndpointText}: clients POST to the URL as configured, and a redirect on POST loses the request in some clients. Pass the URL the redirect points at if that is the real endpoint.",
        403 => "A request without any token must get 401, not 403: 403 means \"your token lacks a scope\", and clients do not start sign-in on it.",
        404 => "Nothing is served at this URL: check the path you passed (often /mcp) and that the MCP endpoint is mapped.",
        405 => "Authentication must run before the endpoint looks at the method: answer a POST without a token with 401.",
        _ => "Answer a request without a token with 401 and a Bearer challenge; check the server's log for why it answered this instead.",
    };
}
