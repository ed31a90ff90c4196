namespace TokenValidation.Doctor.Wire;

/// <summary>Where clients look for metadata documents (RFC 9728 §3.1, RFC 8414 §3.1, OpenID Connect Discovery, MCP 2025-11-25).</summary>
internal static class WellKnownUrls
{
    /// <summary>The well-known suffix of Protected Resource Metadata.</summary>
    public const string ProtectedResource = "/.well-known/oauth-protected-resource";

    /// <summary>The well-known suffix of OAuth authorization server metadata.</summary>
    public const string AuthorizationServer = "/.well-known/oauth-authorization-server";

    /// <summary>The well-known suffix of OpenID Connect discovery.</summary>
    public const string OpenIdConfiguration = "/.well-known/openid-configuration";

    /// <summary><c>scheme://host[:port]</c>.</summary>
    public static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    /// <summary>The path without its trailing slash: empty for the root.</summary>
    public static string PathOf(Uri uri) => uri.AbsolutePath.TrimEnd('/');

    /// <summary>The Protected Resource Metadata URL with the resource's path inserted after the well-known part.</summary>
    public static string PathInsertedProtectedResource(Uri resource) => Origin(resource) + ProtectedResource + PathOf(resource);

    /// <summary>The Protected Resource Metadata URL at the root of the resource's origin.</summary>
    public static string RootProtectedResource(Uri resource) => Origin(resource) + ProtectedResource;

    /// <summary>
    /// The metadata URLs an MCP client tries for an issuer, in order: RFC 8414 path-inserted, then OpenID Connect
    /// path-inserted and path-appended (for an issuer without a path: RFC 8414, then OpenID Connect).
    /// </summary>
    public static IReadOnlyList<string> AuthorizationServerMetadata(Uri issuer)
    {
        string origin = Origin(issuer);
        string path = PathOf(issuer);
        return path.Length == 0
            ? [origin + AuthorizationServer, origin + OpenIdConfiguration]
            : [origin + AuthorizationServer + path, origin + OpenIdConfiguration + path, origin + path + OpenIdConfiguration];
    }
}
