using System.Text;
using System.Text.Json;

namespace TokenValidation.Parsing;

/// <summary>
/// Turns an issuer's JSON claims (a userinfo answer, an introspection answer or a JWT's payload) into an identity:
/// <c>sub</c>, <c>email</c>, <c>name</c> as such, <c>scope</c>/<c>scp</c> as scopes, <c>exp</c> as the expiry, every
/// other member as claims (arrays become one claim per element; numbers, booleans and objects their JSON text).
/// </summary>
/// <remarks>
/// One forward pass of <see cref="Utf8JsonReader"/> with no document in between, because it runs on every cache fill.
/// </remarks>
internal static class IdentityJsonParser
{
    // Scope lists longer than this are de-duplicated through a set, so a hostile list cannot make the check quadratic.
    private const int LinearScopeCheckLimit = 16;

    /// <summary>The identity <paramref name="json"/> describes, or <see langword="null"/> when it is not a JSON object with one non-empty string <c>sub</c>.</summary>
    public static TokenIdentity? Parse(ReadOnlySpan<byte> json, IEnumerable<string> defaultScopes, string source) =>
        Parse(json, defaultScopes, source, ignoredMember: null, hasExpiry: false, expiresAt: null);

    /// <summary>
    /// As <see cref="Parse(ReadOnlySpan{byte}, IEnumerable{string}, string)"/>, dropping the member
    /// <paramref name="ignoredMember"/> (a protocol member, not a claim) and, when <paramref name="hasExpiry"/>, taking
    /// <paramref name="expiresAt"/> as the identity's expiry instead of reading <c>exp</c> as one.
    /// </summary>
    public static TokenIdentity? Parse(ReadOnlySpan<byte> json, IEnumerable<string> defaultScopes, string source, string? ignoredMember, bool hasExpiry, DateTimeOffset? expiresAt)
    {
        try
        {
            return ParseObject(json, defaultScopes, source, ignoredMember, hasExpiry, expiresAt);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TokenIdentity? ParseObject(ReadOnlySpan<byte> json, IEnumerable<string> defaultScopes, string source, string? ignoredMember, bool hasExpiry, DateTimeOffset? expiryOverride)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? subject = null, email = null, name = null;
        List<string>? scopes = null;
        DateTimeOffset? expiresAt = null;
        // Room for a typical access token's other claims (iss, aud, iat, jti, client_id, sid, …) without regrowing.
        var claims = new List<TokenClaim>(8);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Member(ref reader);
            if (member == KnownMember.Other && ignoredMember is not null && reader.ValueTextEquals(ignoredMember))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            string? claimType = member == KnownMember.Other ? ClaimType(ref reader) : null;
            reader.Read();
            switch (member)
            {
                // Two subjects make the answer ambiguous: no identity rather than a guess.
                case KnownMember.Subject when subject is not null:
                    return null;
                case KnownMember.Subject when reader.TokenType == JsonTokenType.String:
                    subject = reader.GetString();
                    break;
                case KnownMember.Subject:
                    return null;
                case KnownMember.Email when reader.TokenType == JsonTokenType.String:
                    email = reader.GetString();
                    break;
                case KnownMember.Name when reader.TokenType == JsonTokenType.String:
                    name = reader.GetString();
                    break;
                case KnownMember.Scope:
                    AddScopes(ref reader, scopes ??= []);
                    break;
                case KnownMember.Expiry when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long exp):
                    expiresAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(exp, 0, 253402300799));
                    break;
                case KnownMember.Other:
                    AddClaims(claimType!, ref reader, json, claims);
                    break;
                default:
                    // email, name or exp of another JSON type: kept as a claim, as any other member.
                    AddClaims(MemberName(member), ref reader, json, claims);
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || string.IsNullOrEmpty(subject))
        {
            return null;
        }

        return new TokenIdentity
        {
            Subject = subject,
            Email = email,
            Name = name,
            Scopes = scopes is null ? [.. defaultScopes] : Distinct(scopes),
            Claims = claims,
            Source = source,
            ExpiresAt = hasExpiry ? expiryOverride : expiresAt,
        };
    }

    private enum KnownMember
    {
        Other,
        Subject,
        Email,
        Name,
        Scope,
        Expiry,
    }

    private static KnownMember Member(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("sub"u8) ? KnownMember.Subject
        : reader.ValueTextEquals("email"u8) ? KnownMember.Email
        : reader.ValueTextEquals("name"u8) ? KnownMember.Name
        : reader.ValueTextEquals("scope"u8) || reader.ValueTextEquals("scp"u8) ? KnownMember.Scope
        : reader.ValueTextEquals("exp"u8) ? KnownMember.Expiry
        : KnownMember.Other;

    // The registered names every issuer sends, as constants: one string fewer per claim on every fill.
    private static string ClaimType(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("iss"u8) ? "iss"
        : reader.ValueTextEquals("aud"u8) ? "aud"
        : reader.ValueTextEquals("iat"u8) ? "iat"
        : reader.ValueTextEquals("nbf"u8) ? "nbf"
        : reader.ValueTextEquals("jti"u8) ? "jti"
        : reader.ValueTextEquals("client_id"u8) ? "client_id"
        : reader.ValueTextEquals("azp"u8) ? "azp"
        : reader.ValueTextEquals("sid"u8) ? "sid"
        : reader.ValueTextEquals("org_id"u8) ? "org_id"
        : reader.GetString()!;

    private static string MemberName(KnownMember member) => member switch
    {
        KnownMember.Email => "email",
        KnownMember.Name => "name",
        _ => "exp",
    };

    /// <summary>The scopes of a <c>scope</c> (space-delimited string) or <c>scp</c> (string or array) value; the reader is left on the value's last token.</summary>
    internal static void AddScopes(ref Utf8JsonReader reader, List<string> scopes)
    {
        if (reader.TokenType == JsonTokenType.String && TryPlainUtf8(ref reader, out var raw))
        {
            // Split the raw bytes: the space-delimited whole is never made a string of its own.
            foreach (var range in raw.Split((byte)' '))
            {
                if (range.End.Value > range.Start.Value)
                {
                    scopes.Add(Encoding.UTF8.GetString(raw[range]));
                }
            }
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            string value = reader.GetString()!;
            foreach (var range in value.AsSpan().Split(' '))
            {
                if (range.End.Value > range.Start.Value)
                {
                    scopes.Add(value[range]);
                }
            }
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } scope)
                {
                    scopes.Add(scope);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        else
        {
            reader.Skip();
        }
    }

    // A string value whose bytes are its text (no escapes, one segment, valid UTF-8); anything else takes GetString's path.
    private static bool TryPlainUtf8(ref Utf8JsonReader reader, out ReadOnlySpan<byte> value)
    {
        value = reader.ValueSpan;
        return !reader.ValueIsEscaped && !reader.HasValueSequence && System.Text.Unicode.Utf8.IsValid(value);
    }

    /// <summary><paramref name="scopes"/> without repeats, in first-seen order.</summary>
    internal static List<string> Distinct(List<string> scopes)
    {
        if (scopes.Count > LinearScopeCheckLimit)
        {
            return [.. scopes.Distinct(StringComparer.Ordinal)];
        }

        for (int i = scopes.Count - 1; i > 0; i--)
        {
            if (scopes.IndexOf(scopes[i], 0, i) >= 0)
            {
                scopes.RemoveAt(i);
            }
        }

        return scopes;
    }

    /// <summary>
    /// The claims of one member's value (arrays flattened; numbers, booleans and objects as their JSON text); the reader
    /// is left on the value's last token. <paramref name="json"/> is the reader's whole input, or empty when the caller
    /// does not hold it (objects are then read through <see cref="JsonElement"/>).
    /// </summary>
    internal static void AddClaims(string type, ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<TokenClaim> claims)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                break;
            case JsonTokenType.String:
                claims.Add(new(type, reader.GetString()!));
                break;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    AddClaims(type, ref reader, json, claims);
                }

                break;
            case JsonTokenType.StartObject when json.IsEmpty:
                claims.Add(new(type, JsonElement.ParseValue(ref reader).GetRawText()));
                break;
            case JsonTokenType.StartObject:
                // An object is kept whole, as its JSON text.
                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                claims.Add(new(type, System.Text.Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed])));
                break;
            default:
                claims.Add(new(type, System.Text.Encoding.UTF8.GetString(reader.ValueSpan)));
                break;
        }
    }
}
