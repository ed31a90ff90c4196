using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Audience;
using TokenValidation.Caching;

namespace TokenValidation.Jwt;

/// <summary>
/// Checks a JWT access token (RFC 9068) of one issuer locally: signature with an allowed algorithm and a key from the
/// issuer's JWKS, <c>iss</c> exactly, <c>aud</c> (RFC 8707), <c>exp</c>/<c>nbf</c> within the skew, <c>typ</c>. The
/// cryptography is IdentityModel's <see cref="JsonWebTokenHandler"/>; the keys come from <see cref="SigningKeyCache"/>.
/// Keys that cannot be fetched make the token Unavailable, never Invalid.
/// </summary>
internal sealed class JwtAccessTokenValidator
{
    private static readonly string[] AccessTokenTypes = ["at+jwt", "application/at+jwt"];
    private static readonly string[] LenientTypes = ["at+jwt", "application/at+jwt", "JWT"];

    private readonly JwtIssuer _issuer;
    private readonly SigningKeyCache _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly LifetimeValidator _lifetimeValidator;
    private readonly TypeValidator _typeValidator;
    private readonly AudienceValidator _audienceValidator;

    // The parameters built for the current key set, reused until the keys change (they are read-only once built).
    private ParametersForKeys? _parameters;

    public JwtAccessTokenValidator(JwtIssuer issuer, IHttpClientFactory httpClientFactory, TimeProvider time, ILogger logger)
    {
        _issuer = issuer;
        _keys = new SigningKeyCache(issuer, httpClientFactory, time, logger);
        _time = time;
        _logger = logger;
        _lifetimeValidator = ValidateLifetime;
        _typeValidator = ValidateType;
        _audienceValidator = (audiences, _, _) => _issuer.Audience.Accepts(audiences);
    }

    /// <summary>The issuer this validator trusts.</summary>
    public string Issuer => _issuer.Issuer;

    /// <summary>
    /// Checks <paramref name="jwt"/>, already parsed by the issuer router (which alone calls this) with
    /// <paramref name="identity"/>'s hook.
    /// </summary>
    public async ValueTask<TokenCheckResult> ValidateAsync(JsonWebToken jwt, JwtIdentityReader identity, CancellationToken cancellationToken)
    {
        // Checked before any key is fetched: "none", HMAC (keyed by a published key) and anything not allowed stop here.
        if (!IsAllowed(jwt.Alg))
        {
            return Reject(jwt.EncodedToken, "algorithm not allowed", "The token is signed with an algorithm this server does not accept.");
        }

        var keys = await _keys.GetAsync(string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, cancellationToken).ConfigureAwait(false);
        if (keys is null)
        {
            return TokenCheckResult.Unavailable("The authorization server's signing keys could not be fetched.");
        }

        if (!string.IsNullOrEmpty(jwt.Kid) && !keys.Contains(jwt.Kid))
        {
            return Reject(jwt.EncodedToken, "unknown kid", "The token is signed with an unknown key.");
        }

        var result = await _handler.ValidateTokenAsync(jwt, Parameters(keys)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Reject(jwt.EncodedToken, result.Exception?.GetType().Name ?? "invalid", Describe(result.Exception));
        }

        // The claims as the issuer wrote them, gathered while IdentityModel parsed the payload.
        return identity.ToIdentity(jwt, _issuer.DefaultScopes, _issuer.Source) is { } caller
            ? TokenCheckResult.Valid(caller)
            : Reject(jwt.EncodedToken, "no sub", "The token has no subject.");
    }

    private bool IsAllowed(string algorithm)
    {
        foreach (var allowed in _issuer.Algorithms)
        {
            if (string.Equals(allowed, algorithm, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private TokenValidationParameters Parameters(SigningKeyCache.KeySet keys)
    {
        var current = Volatile.Read(ref _parameters);
        if (current is null || !ReferenceEquals(current.Keys, keys))
        {
            current = new ParametersForKeys(keys, Parameters(keys.Keys));
            Volatile.Write(ref _parameters, current);
        }

        return current.Parameters;
    }

    private TokenValidationParameters Parameters(IReadOnlyList<SecurityKey> keys) => new()
    {
        ValidIssuer = _issuer.Issuer,
        ValidateIssuer = true,
        IssuerSigningKeys = keys,

        // Tokens without a kid are tried against every key; a kid we do not hold never reaches here.
        TryAllIssuerSigningKeys = true,
        RequireSignedTokens = true,
        ValidAlgorithms = _issuer.Algorithms,
        ValidateAudience = _issuer.Audience.Required,
        AudienceValidator = _audienceValidator,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        LifetimeValidator = _lifetimeValidator,
        TypeValidator = _typeValidator,
        ValidateIssuerSigningKey = false,
    };

    // On the container's clock, like the cache lifetimes, so a token's life and its cache entry's agree.
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        if (exp + _issuer.ClockSkew <= now)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
        }

        if (notBefore is { } nbf && nbf - _issuer.ClockSkew > now)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = nbf };
        }

        return true;
    }

    private string ValidateType(string type, SecurityToken token, TokenValidationParameters parameters)
    {
        if (string.IsNullOrEmpty(type) && !_issuer.RequireAccessTokenType)
        {
            return type;
        }

        foreach (var accepted in _issuer.RequireAccessTokenType ? AccessTokenTypes : LenientTypes)
        {
            if (string.Equals(type, accepted, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        throw new SecurityTokenInvalidTypeException("The token is not an access token.") { InvalidType = type };
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidAudienceException => AudienceRule.Mismatch,
        SecurityTokenInvalidIssuerException => "The token was issued by another authorization server.",
        SecurityTokenInvalidTypeException => "The token is not an access token.",
        SecurityTokenInvalidAlgorithmException => "The token is signed with an algorithm this server does not accept.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is invalid.",
        _ => "The token is invalid.",
    };

    private TokenCheckResult Reject(string token, string reason, string description)
    {
        JwtLog.TokenRejected(_logger, TokenHash.Compute(token).ToShortString(), _issuer.Issuer, reason);
        return TokenCheckResult.Invalid(description);
    }

    private sealed record ParametersForKeys(SigningKeyCache.KeySet Keys, TokenValidationParameters Parameters);
}
