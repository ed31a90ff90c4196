using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace TokenValidation.Jwt;

/// <summary>
/// The validator every JWS-shaped token is dispatched to (CONTRACT §3): reads the unverified <c>iss</c> only to pick
/// which issuer's keys and rules to check the token with (AuthKit's, or <see cref="JwtOptions.Issuer"/>); a token from
/// any other issuer is Invalid without a network call.
/// </summary>
internal sealed class JwtIssuerRouter : ITokenValidator
{
    /// <summary>The name of this route in metrics and logs.</summary>
    public const string Name = "jwt";

    private readonly JwtAccessTokenValidator[] _validators;

    public JwtIssuerRouter(IEnumerable<JwtIssuerRegistration> registrations, IServiceProvider services, IHttpClientFactory httpClientFactory, TimeProvider time, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger<JwtAccessTokenValidator>();
        _validators = [.. registrations
            .Select(r => r.Build(services))
            .DistinctBy(i => i.Issuer, StringComparer.Ordinal)
            .Select(i => new JwtAccessTokenValidator(i, httpClientFactory, time, logger))];
    }

    public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken) => ValidateAsync(token, null, cancellationToken);

    /// <summary>
    /// As <see cref="ValidateAsync(string, CancellationToken)"/>, but a JWS-shaped token from an issuer no JWT validator
    /// trusts goes to <paramref name="fallback"/> (introspection, for example: its server may issue JWTs too) when there is one.
    /// </summary>
    public ValueTask<TokenCheckResult> ValidateAsync(string token, ITokenValidator? fallback, CancellationToken cancellationToken)
    {
        // Parsed once here, the identity read during that parse, and handed on: the issuer's validator checks this same
        // JsonWebToken.
        var identity = new JwtIdentityReader();
        var jwt = Parse(token, identity);
        if (jwt is null || ReadIssuer(jwt) is not { } issuer)
        {
            return fallback?.ValidateAsync(token, cancellationToken) ?? new(TokenCheckResult.Rejected("The token is malformed."));
        }

        foreach (var validator in _validators)
        {
            if (string.Equals(validator.Issuer, issuer, StringComparison.Ordinal))
            {
                return validator.ValidateAsync(jwt, identity, cancellationToken);
            }
        }

        return fallback?.ValidateAsync(token, cancellationToken)
            ?? new(TokenCheckResult.Rejected("The token was issued by an authorization server this server does not trust."));
    }

    /// <summary>
    /// Whether <paramref name="token"/> is shaped like a compact JWS: three segments, the first starting like a base64url
    /// JSON object (<c>eyJ</c>). Cheap, because it runs before the cache lookup; the full parse happens on a miss.
    /// </summary>
    public static bool LooksLikeJws(string token)
    {
        if (!token.StartsWith("eyJ", StringComparison.Ordinal))
        {
            return false;
        }

        int first = token.IndexOf('.');
        int second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        return second > first + 1 && token.IndexOf('.', second + 1) < 0;
    }

    private static JsonWebToken? Parse(string token, JwtIdentityReader identity)
    {
        try
        {
            return new JsonWebToken(token, identity.Read);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // The payload's iss, unverified: it only chooses the keys, which then verify it. IdentityModel's parse refuses a
    // non-string iss, and caches this one for the handler's own issuer check.
    private static string? ReadIssuer(JsonWebToken jwt) => jwt.Issuer is { Length: > 0 } issuer ? issuer : null;

    /// <summary>The router with the application's fallback validator behind it, as the service dispatches JWS-shaped tokens.</summary>
    internal ITokenValidator WithFallback(ITokenValidator? fallback) => fallback is null ? this : new WithFallbackValidator(this, fallback);

    private sealed class WithFallbackValidator(JwtIssuerRouter router, ITokenValidator fallback) : ITokenValidator
    {
        public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken) =>
            router.ValidateAsync(token, fallback, cancellationToken);
    }
}
