using TokenValidation.Resilience;

namespace TokenValidation.AuthKit;

/// <summary>Options for AuthKit access tokens. Bound from <c>TokenValidation:AuthKit</c>.</summary>
public sealed class AuthKitOptions
{
    /// <summary>The configuration section these options are bound from by default.</summary>
    public const string SectionName = "TokenValidation:AuthKit";

    /// <summary>
    /// The AuthKit authority, written exactly as its metadata's <c>issuer</c> (for example
    /// <c>https://your-subdomain.authkit.app</c>). Required. Absolute; https outside Development.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The userinfo path under the authority. Default <c>/oauth/userinfo</c>.</summary>
    public string UserInfoPath { get; set; } = "/oauth/userinfo";

    /// <summary>Read <c>userinfo_endpoint</c> from the authority's metadata instead of using <see cref="UserInfoPath"/>.</summary>
    public bool UseDiscovery { get; set; }

    /// <summary>Tokens starting with this go to AuthKit. Default <c>mat_</c>.</summary>
    public string TokenPrefix { get; set; } = "mat_";

    /// <summary>Also send tokens that no prefix claims to the userinfo endpoint (standard OIDC providers). Default off.</summary>
    public bool AcceptUnprefixedTokens { get; set; }

    /// <summary>Scopes given to AuthKit tokens whose userinfo answer has no <c>scope</c>/<c>scp</c>.</summary>
    public IList<string> DefaultScopes { get; set; } = [];

    /// <summary>
    /// How long one validation may take in all: every attempt, the waits between them and reading the answer. A cache
    /// miss answers Unavailable when it runs out. Default 5 seconds. Each single attempt is bounded separately by
    /// <see cref="AuthKitResilienceOptions.AttemptTimeout"/> (default 2 seconds), capped at this.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeouts, retry and circuit breaker for the userinfo call. Bound from <c>TokenValidation:AuthKit:Resilience</c>.</summary>
    public AuthKitResilienceOptions Resilience { get; set; } = new();

    /// <summary>Userinfo answers larger than this are Unavailable. Default 64 KiB.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Allow an <c>http://</c> authority (local development against a stand-in). Default off.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Where hosted AuthKit publishes the keys of its JWT access tokens, under <see cref="Authority"/>. Default
    /// <c>/oauth2/jwks</c>. A JWT whose <c>iss</c> is the authority is checked against these keys locally.
    /// </summary>
    public string JwksPath { get; set; } = "/oauth2/jwks";

    /// <summary>
    /// Audiences accepted in AuthKit JWTs besides the resource (<c>TokenValidation:Resource</c>): for example your
    /// WorkOS client id, for MCP clients that do not send <c>resource</c>.
    /// </summary>
    public IList<string> Audiences { get; set; } = [];

    /// <summary>
    /// Whether an AuthKit JWT must name this resource (or one of <see cref="Audiences"/>) in <c>aud</c>. Default
    /// <see langword="true"/> (RFC 8707). Opaque <c>mat_</c> tokens carry no audience a server can see.
    /// </summary>
    public bool RequireAudience { get; set; } = true;
}
