using System.Buffers.Text;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Audience;
using TokenValidation.AuthKit;
using TokenValidation.Caching;

namespace TokenValidation.Jwt;

/// <summary>
/// Checks a JWT access token (RFC 9068) of one issuer locally: signature with an allowed algorithm and a key from the
/// issuer's JWKS, <c>iss</c> exactly, <c>aud</c> (RFC 8707), <c>exp</c>/<c>nbf</c> within the skew, <c>typ</c>. The
/// cryptography is IdentityModel's <see cref="JsonWebTokenHandler"/>; the keys come from <see cref="SigningKeyCache"/>.
/// Keys that cannot be fetched make the token Unavailable, never Invalid.
/// </summary>
internal sealed class JwtAccessTokenValidator : ITokenValidator
{
    private static readonly string[] AccessTokenTypes = ["at+jwt", "application/at+jwt"];
    private static readonly string[] LenientTypes = ["at+jwt", "application/at+jwt", "JWT"];

    private readonly JwtIssuer _issuer;
    private readonly SigningKeyCache _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public JwtAccessTokenValidator(JwtIssuer issuer, IHttpClientFactory httpClientFactory, TimeProvider time, ILogger logger)
    {
        _issuer = issuer;
        _keys = new SigningKeyCache(issuer, httpClientFactory, time, logger);
        _time = time;
        _logger = logger;
    }

    /// <summary>The issuer this validator trusts.</summary>
    public string Issuer => _issuer.Issuer;

    public async ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return Reject(token, "not a JWS", "The token is malformed.");
        }

        // Checked before any key is fetched: "none", HMAC (keyed by a published key) and anything not allowed stop here.
        if (!_issuer.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return Reject(token, "algorithm not allowed", "The token is signed with an algorithm this server does not accept.");
        }

        var keys = await _keys.GetAsync(string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, cancellationToken).ConfigureAwait(false);
        if (keys is null)
        {
            return TokenCheckResult.Unavailable("The authorization server's signing keys could not be fetched.");
        }

        if (!string.IsNullOrEmpty(jwt.Kid) && !keys.Contains(jwt.Kid))
        {
            return Reject(token, "unknown kid", "The token is signed with an unknown key.");
        }

        var result = await _handler.ValidateTokenAsync(jwt, Parameters(keys.Keys)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Reject(token, result.Exception?.GetType().Name ?? "invalid", Describe(result.Exception));
        }

        var identity = UserInfoParser.Parse(PayloadBytes(jwt), _issuer.DefaultScopes, _issuer.Source);
        return identity is null
            ? Reject(token, "no sub", "The token has no subject.")
            : TokenCheckResult.Valid(identity);
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
        AudienceValidator = (audiences, _, _) => _issuer.Audience.Accepts(audiences),
        ValidateLifetime = true,
        RequireExpirationTime = true,
        LifetimeValidator = ValidateLifetime,
        TypeValidator = ValidateType,
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

    // The claims as the issuer wrote them, read by the same parser as a userinfo answer: sub, email, name, scope/scp,
    // exp, and every other member as a claim.
    private static byte[] PayloadBytes(JsonWebToken jwt)
    {
        string encoded = jwt.EncodedPayload;
        var bytes = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        Base64Url.DecodeFromChars(encoded, bytes, out _, out int written);
        return bytes[..written];
    }
}
