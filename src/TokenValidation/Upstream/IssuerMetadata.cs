using System.Net;
using System.Text.Json;

namespace TokenValidation.Upstream;

/// <summary>
/// Reads a member (<c>jwks_uri</c>, <c>introspection_endpoint</c>) of an authorization server's metadata: RFC 8414 §3's
/// path-inserted document first, then OpenID Connect Discovery's; a document counts only when its <c>issuer</c> is
/// the configured issuer byte for byte (RFC 8414 §3.3), so no one else's metadata can redirect our calls.
/// </summary>
internal static class IssuerMetadata
{
    public static IEnumerable<string> Addresses(string issuer)
    {
        var uri = new Uri(issuer);
        string path = uri.AbsolutePath.TrimEnd('/');
        yield return uri.GetLeftPart(UriPartial.Authority) + "/.well-known/oauth-authorization-server" + path;
        yield return issuer.TrimEnd('/') + "/.well-known/openid-configuration";
    }

    /// <summary>The string <paramref name="member"/> of the first document that names <paramref name="issuer"/>, or <see langword="null"/>.</summary>
    public static async Task<string?> FindAsync(HttpClient client, string issuer, string member, int maxBytes, CancellationToken cancellationToken)
    {
        foreach (var address in Addresses(issuer))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, address);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }

            var body = await BoundedContent.ReadAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
            if (body is not null && Read(body, member) is ({ } documentIssuer, { } value) && documentIssuer == issuer)
            {
                return value;
            }
        }

        return null;
    }

    private static (string? Issuer, string? Value) Read(byte[] body, string member)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            return (
                root.TryGetProperty("issuer", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null,
                root.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
