using TokenValidation.Audience;
using TokenValidation.AuthKit;

namespace TokenValidation.Jwt;

/// <summary>Turns the options of each kind of issuer into the one <see cref="JwtIssuer"/> shape the validator checks against.</summary>
internal static class JwtIssuerFactory
{
    public static JwtIssuer FromOptions(JwtOptions options, string? resource) => new()
    {
        Issuer = options.Issuer!,
        JwksUri = string.IsNullOrEmpty(options.JwksUri) ? null : options.JwksUri,
        Audience = new AudienceRule([resource, .. options.Audiences], options.RequireAudience),
        Algorithms = options.AllowedAlgorithms.Count > 0 ? [.. options.AllowedAlgorithms] : JwtIssuer.DefaultAlgorithms,
        ClockSkew = options.ClockSkew,
        RequireAccessTokenType = options.RequireAccessTokenType,
        DefaultScopes = [.. options.DefaultScopes],
        KeyRefreshInterval = options.KeyRefreshInterval,
        MinimumKeyRefreshInterval = options.MinimumKeyRefreshInterval,
        Timeout = options.Timeout,
        MaxResponseBytes = options.MaxResponseBytes,
        Source = TokenSources.Jwt,
    };

    // Hosted AuthKit's Connect tokens: iss is the authority as configured, keys at {authority}/oauth2/jwks.
    public static JwtIssuer FromAuthKit(AuthKitOptions options, string? resource)
    {
        var defaults = new JwtOptions();
        return new()
        {
            Issuer = options.Authority!,
            JwksUri = options.Authority!.TrimEnd('/') + options.JwksPath,
            Audience = new AudienceRule([resource, .. options.Audiences], options.RequireAudience),
            Algorithms = JwtIssuer.DefaultAlgorithms,
            ClockSkew = defaults.ClockSkew,
            RequireAccessTokenType = false,
            DefaultScopes = [.. options.DefaultScopes],
            KeyRefreshInterval = defaults.KeyRefreshInterval,
            MinimumKeyRefreshInterval = defaults.MinimumKeyRefreshInterval,
            Timeout = options.Timeout,
            MaxResponseBytes = options.MaxResponseBytes,
            Source = TokenSources.AuthKit,
        };
    }
}
