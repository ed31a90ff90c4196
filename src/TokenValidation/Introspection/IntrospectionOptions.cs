namespace TokenValidation.Introspection;

/// <summary>
/// Opaque access tokens checked by asking the authorization server (RFC 7662 token introspection). Bound from
/// <c>TokenValidation:Introspection</c>. Without <see cref="TokenPrefix"/>, introspection answers every token that no
/// prefix claims and that is not JWS-shaped while a JWT validator is registered.
/// </summary>
public sealed class IntrospectionOptions
{
    /// <summary>The configuration section, under <c>TokenValidation</c>.</summary>
    public const string SectionName = "TokenValidation:Introspection";

    /// <summary>
    /// The authorization server exactly as its metadata's <c>issuer</c> spells it (required). The introspection endpoint
    /// is found through <c>{origin}/.well-known/oauth-authorization-server{path}</c> (RFC 8414), then
    /// <c>{issuer}/.well-known/openid-configuration</c>, unless <see cref="Endpoint"/> is set. An answer carrying
    /// <c>iss</c> must name this issuer exactly.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The introspection endpoint, when it should not be discovered from the issuer's metadata.</summary>
    public string? Endpoint { get; set; }

    /// <summary>This server's client id at the authorization server (required).</summary>
    public string? ClientId { get; set; }

    /// <summary>This server's client secret (required). Never logged, never echoed in start-up messages.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>How the client id and secret are sent. Default <see cref="IntrospectionClientAuthentication.ClientSecretBasic"/>.</summary>
    public IntrospectionClientAuthentication ClientAuthentication { get; set; } = IntrospectionClientAuthentication.ClientSecretBasic;

    /// <summary>
    /// Audiences accepted besides the resource (<c>TokenValidation:Resource</c>), for example an OAuth client id for
    /// clients that do not send <c>resource</c>.
    /// </summary>
    public IList<string> Audiences { get; set; } = [];

    /// <summary>
    /// Whether an active token's <c>aud</c> must name this resource (or one of <see cref="Audiences"/>). Default
    /// <see langword="true"/> (RFC 8707, required by MCP); turn it off only for a server that puts no audience in its answers.
    /// </summary>
    public bool RequireAudience { get; set; } = true;

    /// <summary>Scopes for active tokens whose answer has no <c>scope</c>. Default none.</summary>
    public IList<string> DefaultScopes { get; set; } = [];

    /// <summary>
    /// The prefix of the tokens to introspect. Not set (the default): introspection is the fallback for tokens no prefix
    /// claims, which cannot be combined with <c>AuthKit:AcceptUnprefixedTokens</c> (one fallback only).
    /// </summary>
    public string? TokenPrefix { get; set; }

    /// <summary>Total time for one introspection (metadata discovery and retries included). Default 5 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Larger answers (and metadata documents) are Unavailable. Default 64 KiB.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Allow http issuer and endpoint URLs (for a local authorization server; the secret then travels in clear text).</summary>
    public bool AllowHttp { get; set; }
}
