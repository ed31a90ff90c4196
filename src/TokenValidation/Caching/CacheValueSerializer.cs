using System.Text.Json;

namespace TokenValidation.Caching;

/// <summary>
/// Writes and reads level-2 values: one format byte, then the compact binary value (<see cref="CompactValueFormat"/>),
/// optionally protected. Values of the earlier JSON format (format bytes 1 and 2) still read, so an upgrade keeps the
/// shared cache warm. Anything it cannot read back is <see langword="null"/>: a miss, never an error.
/// </summary>
internal sealed class CacheValueSerializer(ITokenCacheValueProtector? protector)
{
    private const byte PlainJsonV1 = 1;
    private const byte ProtectedJsonV1 = 2;
    private const byte PlainCompactV2 = 3;
    private const byte ProtectedCompactV2 = 4;

    public byte[] Serialize(CacheEntry entry, string key)
    {
        int size = CompactValueFormat.Measure(entry) ?? throw new ArgumentException("Only Valid and Invalid outcomes are stored.", nameof(entry));
        if (protector is null)
        {
            // Sized exactly, so the value Redis is given is the only buffer.
            var plain = new byte[size + 1];
            plain[0] = PlainCompactV2;
            CompactValueFormat.Write(entry, plain.AsSpan(1));
            return plain;
        }

        var plaintext = new byte[size];
        CompactValueFormat.Write(entry, plaintext);
        byte[] payload = protector.Protect(key, plaintext);
        var bytes = new byte[payload.Length + 1];
        bytes[0] = ProtectedCompactV2;
        payload.CopyTo(bytes, 1);
        return bytes;
    }

    /// <summary>Makes the plain entry of an answer and its expiry (no refresh point, no retention beyond the expiry).</summary>
    public static readonly Func<TokenCheckResult, DateTimeOffset, CacheEntry> PlainEntry = static (result, expiresAt) => new CacheEntry(result, expiresAt);

    public CacheEntry? Deserialize(byte[]? bytes, string key) => Deserialize(bytes, key, PlainEntry);

    /// <summary>The value as an entry made by <paramref name="entry"/>, or <see langword="null"/> when it cannot be read.</summary>
    public CacheEntry? Deserialize(byte[]? bytes, string key, Func<TokenCheckResult, DateTimeOffset, CacheEntry> entry)
    {
        if (bytes is not { Length: > 1 })
        {
            return null;
        }

        try
        {
            switch (bytes[0])
            {
                case PlainCompactV2 when protector is null:
                    return CompactValueFormat.Read(bytes.AsSpan(1), entry);
                case ProtectedCompactV2 when protector is not null:
                    return CompactValueFormat.Read(protector.Unprotect(key, bytes[1..]), entry);
                case PlainJsonV1 when protector is null:
                    return ReadJson(bytes[1..], entry);
                case ProtectedJsonV1 when protector is not null:
                    return ReadJson(protector.Unprotect(key, bytes[1..]), entry);
                default:
                    return null;
            }
        }
        catch (Exception)
        {
            // Whatever fails (the value, or the application's protector reading it), a value we cannot read is a miss, not Unavailable.
            return null;
        }
    }

    // The format written before the compact one; kept for reading only.
    private static CacheEntry? ReadJson(byte[] json, Func<TokenCheckResult, DateTimeOffset, CacheEntry> entry)
    {
        if (json.Length == 0)
        {
            return null;
        }

        var value = JsonSerializer.Deserialize(json, CachedValueJsonContext.Default.CachedValue);
        return value is null ? null : ToEntry(value, entry);
    }

    private static CacheEntry? ToEntry(CachedValue value, Func<TokenCheckResult, DateTimeOffset, CacheEntry> entry)
    {
        TokenCheckResult result;
        switch (value.Outcome)
        {
            case TokenValidationOutcome.Valid when !string.IsNullOrEmpty(value.Subject) && !string.IsNullOrEmpty(value.Source):
                result = TokenCheckResult.Valid(new TokenIdentity
                {
                    Subject = value.Subject,
                    Email = value.Email,
                    Name = value.Name,
                    Scopes = value.Scopes ?? [],
                    Claims = UnflattenClaims(value.Claims),
                    Source = value.Source,
                    ExpiresAt = value.TokenExpiresAtMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
                });
                break;
            case TokenValidationOutcome.Invalid:
                result = value.Error == TokenErrors.InvalidRequest
                    ? TokenCheckResult.InvalidRequest(value.Description ?? "The token is invalid.")
                    : TokenCheckResult.Invalid(value.Description ?? "The token is invalid.");
                break;
            default:
                // Unavailable is never cached, so such a value is foreign or corrupt.
                return null;
        }

        return entry(result, DateTimeOffset.FromUnixTimeMilliseconds(value.ExpiresAtMs));
    }

    private static TokenClaim[] UnflattenClaims(string[]? flat)
    {
        if (flat is null)
        {
            return [];
        }

        if (flat.Length % 2 != 0)
        {
            throw new FormatException("Claims must come in type/value pairs.");
        }

        var claims = new TokenClaim[flat.Length / 2];
        for (int i = 0; i < claims.Length; i++)
        {
            claims[i] = new TokenClaim(flat[2 * i] ?? throw new FormatException("Null claim type."), flat[(2 * i) + 1] ?? throw new FormatException("Null claim value."));
        }

        return claims;
    }
}
