namespace TokenValidation.AspNetCore.Metadata;

/// <summary>
/// The configured resource URL cut into origin and path by string, never through <see cref="Uri.ToString"/>, so what
/// is published stays byte-exact to what was configured.
/// </summary>
internal sealed class ProtectedResourceUrl
{
    private ProtectedResourceUrl(string resource, string origin, string path)
    {
        Resource = resource;
        Origin = origin;
        Path = path;
        RootMetadataUrl = origin + McpBearerDefaults.ProtectedResourceMetadataPath;
        PathInsertedMetadataUrl = RootMetadataUrl + path;
    }

    /// <summary>The resource URL as configured.</summary>
    public string Resource { get; }

    /// <summary><c>scheme://host[:port]</c> as configured.</summary>
    public string Origin { get; }

    /// <summary>The path as configured (still percent-encoded), empty for a bare origin.</summary>
    public string Path { get; }

    /// <summary>The root metadata URL.</summary>
    public string RootMetadataUrl { get; }

    /// <summary>The RFC 9728 §3.1 path-inserted metadata URL (the root one for a bare origin).</summary>
    public string PathInsertedMetadataUrl { get; }

    /// <summary>Splits <paramref name="value"/>, or <see langword="null"/> when it is not an absolute http(s) URL.</summary>
    public static ProtectedResourceUrl? TryParse(string? value)
    {
        if (string.IsNullOrEmpty(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        int authorityStart = value.IndexOf("://", StringComparison.Ordinal);
        // Stryker disable once Equality : a scheme precedes "://", so it is never found at 0.
        if (authorityStart < 0)
        {
            return null;
        }

        int pathStart = value.IndexOfAny(['/', '?', '#'], authorityStart + 3);
        // Stryker disable once Equality : the search starts after "://", so the path never starts at 0.
        return pathStart < 0
            ? new ProtectedResourceUrl(value, value, "")
            : new ProtectedResourceUrl(value, value[..pathStart], value[pathStart..]);
    }

    /// <summary>
    /// The well-known URL of <paramref name="wellKnownPath"/> for an issuer, inserted per RFC 8414 §3.1 between its
    /// origin and path: <c>https://a.example/t</c> gives <c>https://a.example/.well-known/…/t</c>.
    /// </summary>
    public static string? WellKnownUrl(string? issuer, string wellKnownPath)
    {
        var parsed = TryParse(issuer);
        return parsed is null ? null : parsed.Origin + wellKnownPath + parsed.Path.TrimEnd('/');
    }
}
