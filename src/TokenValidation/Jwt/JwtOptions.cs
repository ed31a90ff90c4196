namespace TokenValidation.Jwt;

/// <summary>
/// JWT access tokens (RFC 9068) from one authorization server, checked locally against its published keys. Bound from
/// <c>TokenValidation:Jwt</c>. (Hosted AuthKit's JWTs need none of this: <c>AddAuthKit()</c> checks them.)
/// </summary>
public sealed class JwtOptions
{
    /// <summary>The configuration section, under <c>TokenValidation</c>.</summary>
    public const string SectionName = "TokenValidation:Jwt";

    /// <summary>
    /// The issuer exactly as its tokens' <c>iss</c> and its metadata's <c>issuer</c> spell it (required). Its keys are
    /// found through <c>{origin}/.well-known/oauth-authorization-server{path}</c> (RFC 8414), then
    /// <c>{issuer}/.well-known/openid-configuration</c>, unless <see cref="JwksUri"/> is set.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The issuer's JWKS URL, when it should not be discovered from the issuer's metadata.</summary>
    public string? JwksUri { get; set; }

    /// <summary>
    /// Audiences accepted besides the resource (<c>TokenValidation:Resource</c>), for example an OAuth client id for
    /// clients that do not send <c>resource</c>.
    /// </summary>
    public IList<string> Audiences { get; set; } = [];

    /// <summary>
    /// Whether a token must name this resource (or one of <see cref="Audiences"/>) in <c>aud</c>. Default
    /// <see langword="true"/> (RFC 8707, required by MCP); turning it off accepts this issuer's tokens for any audience.
    /// </summary>
    public bool RequireAudience { get; set; } = true;

    /// <summary>Signature algorithms accepted. Empty (the default) means RS256, PS256 and ES256. <c>none</c> and HMAC are never accepted.</summary>
    public IList<string> AllowedAlgorithms { get; set; } = [];

    /// <summary>Tolerance on <c>exp</c> and <c>nbf</c> for clocks that disagree. Default 30 seconds; at most 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Require <c>typ: at+jwt</c> (RFC 9068), refusing ID tokens and other JWTs presented as access tokens. Default
    /// <see langword="false"/>: <c>typ</c>, when present, must be <c>at+jwt</c> or <c>JWT</c>.
    /// </summary>
    public bool RequireAccessTokenType { get; set; }

    /// <summary>Scopes for tokens that carry neither <c>scope</c> nor <c>scp</c>. Default none.</summary>
    public IList<string> DefaultScopes { get; set; } = [];

    /// <summary>How often the keys are fetched again when nothing asks sooner. Default 1 hour; at least 1 minute.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The least time between two key fetches caused by tokens naming an unknown <c>kid</c>, however many arrive.
    /// Default 30 seconds; at least 1 second.
    /// </summary>
    public TimeSpan MinimumKeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Total time for fetching the issuer's metadata and keys. Default 5 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Larger metadata or JWKS documents are refused. Default 64 KiB.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Allow http issuer and JWKS URLs (set automatically in Development by the ASP.NET Core package).</summary>
    public bool AllowHttp { get; set; }
}
