namespace TokenValidation.Audience;

/// <summary>
/// RFC 8707 audience binding: a token is accepted only when one of its audiences is this server's resource (or an
/// extra audience the application accepts), compared in canonical form so <c>https://MCP.example.com/mcp/</c> and
/// <c>https://mcp.example.com/mcp</c> are one resource.
/// </summary>
internal sealed class AudienceRule
{
    /// <summary>What a wrong or missing audience answers (CONTRACT §13).</summary>
    public const string Mismatch = "The token was not issued for this resource.";

    private readonly HashSet<string> _accepted;

    public AudienceRule(IEnumerable<string?> accepted, bool required)
    {
        _accepted = new HashSet<string>(accepted.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => Canonical(a!)), StringComparer.Ordinal);
        Required = required;
    }

    /// <summary>Whether a token must name an accepted audience; when off, any audience (or none) passes.</summary>
    public bool Required { get; }

    /// <summary>The accepted audiences in canonical form.</summary>
    public IReadOnlyCollection<string> Accepted => _accepted;

    /// <summary>Whether <paramref name="audiences"/> (the token's <c>aud</c>, one or many) passes.</summary>
    public bool Accepts(IEnumerable<string> audiences)
    {
        if (!Required)
        {
            return true;
        }

        foreach (var audience in audiences)
        {
            // An audience already in canonical form (what issuers write back) is found without parsing it as a URL.
            if (!string.IsNullOrEmpty(audience) && (_accepted.Contains(audience) || _accepted.Contains(Canonical(audience))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An http(s) URL with its scheme and host lowercased, default port, fragment and trailing slash dropped; anything
    /// else (a client id) as it is.
    /// </summary>
    public static string Canonical(string audience)
    {
        if (!Uri.TryCreate(audience, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return audience;
        }

        string path = uri.AbsolutePath.TrimEnd('/');
        string port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}{port}{path}{uri.Query}";
    }
}
