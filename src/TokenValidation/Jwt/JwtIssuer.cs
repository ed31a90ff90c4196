using TokenValidation.Audience;

namespace TokenValidation.Jwt;

/// <summary>Everything one issuer's JWTs are checked against, whichever options it came from (AuthKit or <see cref="JwtOptions"/>).</summary>
internal sealed record JwtIssuer
{
    /// <summary>The algorithms accepted when none are configured (CONTRACT §11).</summary>
    public static readonly IReadOnlyList<string> DefaultAlgorithms = ["RS256", "PS256", "ES256"];

    public required string Issuer { get; init; }

    /// <summary>The JWKS URL; <see langword="null"/> to discover it from the issuer's metadata.</summary>
    public string? JwksUri { get; init; }

    public required AudienceRule Audience { get; init; }

    public required IReadOnlyList<string> Algorithms { get; init; }

    public required TimeSpan ClockSkew { get; init; }

    public required bool RequireAccessTokenType { get; init; }

    public required IReadOnlyList<string> DefaultScopes { get; init; }

    public required TimeSpan KeyRefreshInterval { get; init; }

    public required TimeSpan MinimumKeyRefreshInterval { get; init; }

    public required TimeSpan Timeout { get; init; }

    public required int MaxResponseBytes { get; init; }

    /// <summary>The identity's <see cref="TokenIdentity.Source"/>, and the name in metrics and logs.</summary>
    public required string Source { get; init; }
}
