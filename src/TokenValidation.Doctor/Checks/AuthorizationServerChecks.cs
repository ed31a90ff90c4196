using System.Text.Json;
using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor.Checks;

/// <summary>
/// Each authorization server the metadata names: its metadata found as clients look for it (RFC 8414 path-inserted,
/// then OpenID Connect discovery), <c>issuer</c> byte-exact, both endpoints, PKCE S256, and a way for clients to register.
/// </summary>
internal sealed class AuthorizationServerChecks : ICheckGroup
{
    private static readonly (string Id, string Title)[] Dependent =
    [
        ("as-issuer", "issuer equals the advertised URL"),
        ("as-authorization-endpoint", "authorization_endpoint is set"),
        ("as-token-endpoint", "token_endpoint is set"),
        ("as-pkce-s256", "PKCE S256 supported"),
        ("as-registration", "Clients can register"),
    ];

    public async Task RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        if (context.AuthorizationServers.Count == 0)
        {
            context.Skip("as-metadata", "Authorization server metadata found", "no authorization server advertised");
            return;
        }

        foreach (string advertised in context.AuthorizationServers)
        {
            await CheckServerAsync(context, advertised, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CheckServerAsync(DoctorContext context, string advertised, CancellationToken cancellationToken)
    {
        const string Title = "Authorization server metadata found";
        string target = advertised;
        var issuerUri = UrlText.TryAbsolute(advertised);
        JsonElement? metadata = null;
        var tried = new List<string>();
        if (issuerUri is not null)
        {
            foreach (string url in WellKnownUrls.AuthorizationServerMetadata(issuerUri))
            {
                var response = await context.Wire.GetAsync(url, followRedirects: true, cancellationToken).ConfigureAwait(false);
                metadata = response.Status == 200 ? JsonDocuments.ParseObject(response.Body) : null;
                if (metadata is not null)
                {
                    context.Pass("as-metadata", Title, $"GET {url}: {response.StatusText}, JSON object" + (tried.Count > 0 ? $" (after {string.Join(", ", tried)})" : string.Empty), target);
                    break;
                }

                tried.Add($"{url}: {(response.Status == 200 ? "not a JSON object" : response.StatusText)}");
            }
        }

        if (metadata is not { } document)
        {
            context.Fail("as-metadata", Title,
                issuerUri is null ? $"{UrlText.Show(advertised)} is not an absolute http(s) URL" : "no metadata at " + string.Join("; ", tried),
                "Write the authorization server's issuer URL in authorization_servers (not its metadata URL): clients look for RFC 8414 metadata at /.well-known/oauth-authorization-server inserted before the issuer's path, then OpenID Connect discovery. Check the URL and that the server publishes one of them.",
                target);
            foreach (var (id, title) in Dependent)
            {
                context.Skip(id, title, "no metadata document", target);
            }

            return;
        }

        context.AuthorizationServerMetadata[advertised] = document;
        CheckIssuer(context, advertised, document, target);
        CheckEndpoint(context, document, "authorization_endpoint", "as-authorization-endpoint", "authorization_endpoint is set",
            "MCP clients sign users in with the authorization code flow, which starts at authorization_endpoint. Use an authorization server that supports it (a client-credentials-only server cannot sign users in).", target);
        CheckEndpoint(context, document, "token_endpoint", "as-token-endpoint", "token_endpoint is set",
            "Clients exchange the code for a token at token_endpoint: the authorization server's metadata must name it.", target);
        CheckPkce(context, document, target);
        CheckRegistration(context, document, target);
    }

    private static void CheckIssuer(DoctorContext context, string advertised, JsonElement metadata, string target)
    {
        const string Id = "as-issuer";
        const string Title = "issuer equals the advertised URL";
        string? issuer = metadata.String("issuer");
        context.SawUrl("issuer in the authorization server metadata", issuer);
        if (issuer is null)
        {
            context.Fail(Id, Title, "the metadata has no issuer", "The authorization server's metadata must state its issuer (RFC 8414 §2).", target);
        }
        else if (issuer != advertised)
        {
            context.Fail(Id, Title, $"issuer is {UrlText.Show(issuer)}, authorization_servers says {UrlText.Show(advertised)}: it {UrlText.Difference(issuer, advertised)}",
                $"Write the authorization server in your metadata's authorization_servers exactly as its issuer, {UrlText.Show(issuer)}: clients compare the two character by character (RFC 8414 §3.3) and stop, or loop back to sign-in, on a trailing slash or newline. Building it with Uri.ToString() adds a trailing slash; an environment variable can carry a \\n.",
                target);
        }
        else
        {
            context.Pass(Id, Title, "issuer=" + UrlText.Show(issuer), target);
        }
    }

    private static void CheckEndpoint(DoctorContext context, JsonElement metadata, string member, string id, string title, string fix, string target)
    {
        string? value = metadata.String(member);
        context.SawUrl(member + " in the authorization server metadata", value);
        if (UrlText.TryAbsolute(value) is null)
        {
            context.Fail(id, title, value is null ? $"the metadata has no {member}" : $"{member}={UrlText.Show(value)} is not an absolute URL", fix, target);
        }
        else
        {
            context.Pass(id, title, $"{member}={UrlText.Show(value!)}", target);
        }
    }

    private static void CheckPkce(DoctorContext context, JsonElement metadata, string target)
    {
        const string Id = "as-pkce-s256";
        const string Title = "PKCE S256 supported";
        var methods = metadata.Strings("code_challenge_methods_supported");
        if (methods is not null && methods.Contains("S256", StringComparer.Ordinal))
        {
            context.Pass(Id, Title, "code_challenge_methods_supported=[" + string.Join(", ", methods) + "]", target);
        }
        else
        {
            context.Fail(Id, Title,
                methods is null ? "the metadata has no code_challenge_methods_supported" : "code_challenge_methods_supported=[" + string.Join(", ", methods) + "] has no S256",
                "MCP clients must refuse an authorization server whose metadata does not list S256 in code_challenge_methods_supported. Turn on PKCE with S256 at the authorization server (or make its metadata advertise it).",
                target);
        }
    }

    private static void CheckRegistration(DoctorContext context, JsonElement metadata, string target)
    {
        const string Id = "as-registration";
        const string Title = "Clients can register";
        string? registration = metadata.String("registration_endpoint");
        context.SawUrl("registration_endpoint in the authorization server metadata", registration);
        if (registration is not null)
        {
            context.Pass(Id, Title, "registration_endpoint=" + UrlText.Show(registration), target);
        }
        else if (metadata.True("client_id_metadata_document_supported"))
        {
            context.Pass(Id, Title, "client_id_metadata_document_supported=true", target);
        }
        else
        {
            context.Fail(Id, Title, "neither registration_endpoint nor client_id_metadata_document_supported=true",
                "MCP clients register themselves: turn on Dynamic Client Registration (registration_endpoint, RFC 7591) or client ID metadata documents (client_id_metadata_document_supported: true) at the authorization server. Without either, every user has to paste a pre-registered client id.",
                target);
        }
    }
}
