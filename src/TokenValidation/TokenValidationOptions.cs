using TokenValidation.Parsing;

namespace TokenValidation;

/// <summary>Options for reading and dispatching tokens. Bound from the <c>TokenValidation</c> configuration section.</summary>
public sealed class TokenValidationOptions
{
    /// <summary>The configuration section these options are bound from by default.</summary>
    public const string SectionName = "TokenValidation";

    /// <summary>
    /// This server's resource: the MCP endpoint URL exactly as clients call it (the ASP.NET Core package reads the same
    /// key). Validators that can see a token's audience (JWT, introspection) require it among the token's audiences
    /// (RFC 8707), compared in canonical form.
    /// </summary>
    public string? Resource { get; set; }

    /// <summary>Tokens longer than this are rejected as <c>invalid_token</c> without any network call. Default 4096.</summary>
    public int MaxTokenLength { get; set; } = BearerTokenReader.DefaultMaxTokenLength;

    /// <summary>
    /// Upper bound on upstream validations in flight at once, per validator (a bulkhead each); beyond it a cache miss for
    /// that validator is Unavailable at once. Local validators (API keys) have none. Default 256.
    /// </summary>
    public int MaxConcurrentUpstreamCalls { get; set; } = 256;

    /// <summary>
    /// Cache misses (new tokens) allowed per second per client address once <see cref="ClientMissBurst"/> is spent;
    /// beyond it a miss answers HTTP 429 with <c>Retry-After</c> and costs the issuer nothing. Cached tokens are never
    /// limited. Default 50, far above a real client, which holds one or two tokens; 0 turns the limit off. IPv6
    /// addresses count per /64. Behind a proxy, the address is the proxy's unless the app applies forwarded headers.
    /// </summary>
    public int ClientMissesPerSecond { get; set; } = 50;

    /// <summary>Cache misses one client address may make at once before <see cref="ClientMissesPerSecond"/> applies. Default 100.</summary>
    public int ClientMissBurst { get; set; } = 100;

    /// <summary>Seconds suggested in <c>Retry-After</c> when a validation is unavailable and the upstream gave no hint. Default 5.</summary>
    public int DefaultRetryAfterSeconds { get; set; } = 5;

    /// <summary>Validators by prefix, and the fallback. Filled by the <see cref="TokenValidationBuilder"/> methods.</summary>
    /// <remarks>A field, not a property: the configuration binding generator would otherwise try to bind it.</remarks>
    internal readonly List<TokenValidatorRegistration> Validators = [];
}
