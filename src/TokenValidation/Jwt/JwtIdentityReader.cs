using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Parsing;

namespace TokenValidation.Jwt;

/// <summary>
/// A JWT's identity, read while IdentityModel parses the payload (its <see cref="TryReadJwtClaim"/> hook), so the
/// payload is decoded and tokenized once and each claim's text is one string shared by both. The rules are
/// <see cref="IdentityJsonParser"/>'s: <c>email</c>, <c>name</c> as such, <c>scope</c>/<c>scp</c> as scopes, <c>exp</c>
/// as the expiry, every other member as claims.
/// </summary>
/// <remarks>
/// IdentityModel reads the registered claims (iss, sub, aud, azp, exp, iat, nbf, jti) itself, without the hook; they
/// are taken from the parsed token by <see cref="ToIdentity"/>. A repeated registered name keeps its last value, as
/// RFC 7519 §4 allows and IdentityModel does, so the subject checked is the subject cached. One reader per token.
/// </remarks>
internal sealed class JwtIdentityReader
{
    // A typical access token's other claims (client_id, sid, org_id, …) and the registered ones, without regrowing.
    private readonly List<TokenClaim> _claims = new(12);
    private List<string>? _scopes;
    private string? _email;
    private string? _name;

    public JwtIdentityReader() => Read = TryRead;

    /// <summary>The hook to hand to <see cref="JsonWebToken(string, TryReadJwtClaim)"/>.</summary>
    public TryReadJwtClaim Read { get; }

    /// <summary>
    /// The identity of <paramref name="jwt"/> (parsed with <see cref="Read"/>), or <see langword="null"/> when it has no
    /// subject.
    /// </summary>
    public TokenIdentity? ToIdentity(JsonWebToken jwt, IEnumerable<string> defaultScopes, string source)
    {
        // IdentityModel reads a numeric sub as its text; a missing one is empty.
        string subject = jwt.Subject;
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        AddRegistered("iss", jwt.Issuer);
        foreach (var audience in jwt.Audiences)
        {
            AddRegistered("aud", audience);
        }

        AddRegistered("azp", jwt.Azp);
        AddRegistered("jti", jwt.Id);
        AddRegistered("iat", jwt);
        AddRegistered("nbf", jwt);
        return new TokenIdentity
        {
            Subject = subject,
            Email = _email,
            Name = _name,
            Scopes = _scopes is null ? [.. defaultScopes] : IdentityJsonParser.Distinct(_scopes),
            Claims = _claims,
            Source = source,
            ExpiresAt = jwt.TryGetPayloadValue<long>("exp", out long exp)
                ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(exp, 0, 253402300799))
                : null,
        };
    }

    // Called with the reader on the value of a payload member IdentityModel does not read itself. Returning true hands
    // IdentityModel the value to keep (the claim's own string, or nothing: it checks none of these members) and leaves
    // the reader on the value's last token, as the hook requires.
    private bool TryRead(ref Utf8JsonReader reader, JwtSegmentType segment, string claimName, out object claimValue)
    {
        claimValue = null!;
        if (segment != JwtSegmentType.Payload)
        {
            return false;
        }

        bool isString = reader.TokenType == JsonTokenType.String;
        switch (claimName)
        {
            case "email" when isString:
                claimValue = _email = reader.GetString()!;
                return true;
            case "name" when isString:
                claimValue = _name = reader.GetString()!;
                return true;
            case "scope" or "scp":
                IdentityJsonParser.AddScopes(ref reader, _scopes ??= []);
                return true;
            default:
                if (isString)
                {
                    string value = reader.GetString()!;
                    _claims.Add(new(claimName, value));
                    claimValue = value;
                }
                else
                {
                    IdentityJsonParser.AddClaims(claimName, ref reader, default, _claims);
                }

                return true;
        }
    }

    private void AddRegistered(string type, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _claims.Add(new(type, value));
        }
    }

    private void AddRegistered(string type, JsonWebToken jwt)
    {
        if (jwt.TryGetPayloadValue<long>(type, out long seconds))
        {
            _claims.Add(new(type, seconds.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
