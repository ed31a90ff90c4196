using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor.Checks;

/// <summary>
/// <c>/.well-known/oauth-authorization-server</c> on the MCP server's own origin, where 2025-03-26 clients (and some
/// hosted ones) look: a redirect to the authorization server's metadata, or a copy of it.
/// </summary>
internal sealed class OriginMetadataChecks : ICheckGroup
{
    public async Task RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        const string Id = "origin-as-metadata";
        const string Title = "Authorization server metadata on the MCP origin";
        string url = WellKnownUrls.Origin(context.Endpoint) + WellKnownUrls.AuthorizationServer;
        string fix = $"Older MCP clients (2025-03-26) look for {url} on your server's own origin: answer it with a 308 redirect to your authorization server's metadata{Example(context)}, or serve a copy of that document.";

        var first = await context.Wire.GetAsync(url, followRedirects: false, cancellationToken).ConfigureAwait(false);
        var final = WireClient.IsRedirect(first.Status) ? await context.Wire.GetAsync(url, followRedirects: true, cancellationToken).ConfigureAwait(false) : first;
        string how = WireClient.IsRedirect(first.Status) ? $"{first.StatusText} to {first.Header("Location")}" : first.StatusText;
        var document = final.Status == 200 ? JsonDocuments.ParseObject(final.Body) : null;
        if (document is null)
        {
            context.Warn(Id, Title, $"GET {url}: {how}" + (final.Status == 200 ? ", not a JSON object" : WireClient.IsRedirect(first.Status) ? $", then {final.StatusText}" : string.Empty), fix);
            return;
        }

        string? issuer = document.Value.String("issuer");
        if (issuer is null || !context.AuthorizationServers.Contains(issuer, StringComparer.Ordinal))
        {
            context.Warn(Id, Title, $"GET {url}: {how}, a document whose issuer {(issuer is null ? "is missing" : UrlText.Show(issuer))} is not in authorization_servers", fix);
            return;
        }

        context.Pass(Id, Title, $"GET {url}: {how}" + (WireClient.IsRedirect(first.Status) ? string.Empty : " (a copy)") + $", issuer={UrlText.Show(issuer)}");
    }

    private static string Example(DoctorContext context) =>
        context.AuthorizationServers.Count > 0 && UrlText.TryAbsolute(context.AuthorizationServers[0]) is { } issuer
            ? $" ({WellKnownUrls.AuthorizationServerMetadata(issuer)[0]})"
            : string.Empty;
}
