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
    /// Upper bound on upstream validations in flight at once (a bulkhead); beyond it a cache miss is Unavailable at once.
    /// Default 256.
    /// </summary>
    public int MaxConcurrentUpstreamCalls { get; set; } = 256;

    /// <summary>Seconds suggested in <c>Retry-After</c> when a validation is unavailable and the upstream gave no hint. Default 5.</summary>
    public int DefaultRetryAfterSeconds { get; set; } = 5;

    /// <summary>Validators by prefix, and the fallback. Filled by the <see cref="TokenValidationBuilder"/> methods.</summary>
    /// <remarks>A field, not a property: the configuration binding generator would otherwise try to bind it.</remarks>
    internal readonly List<TokenValidatorRegistration> Validators = [];
}
