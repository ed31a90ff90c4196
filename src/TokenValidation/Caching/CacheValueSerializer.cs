using System.Text.Json;

namespace TokenValidation.Caching;

/// <summary>
/// Writes and reads level-2 values: one format byte, then source-generated JSON (optionally protected).
/// Anything it cannot read back is <see langword="null"/>: a miss, never an error.
/// </summary>
internal sealed class CacheValueSerializer(ITokenCacheValueProtector? protector)
{
    private const byte PlainV1 = 1;
    private const byte ProtectedV1 = 2;

    public byte[] Serialize(CacheEntry entry, string key)
    {
        var result = entry.Result;
        var identity = result.Identity;
        var value = new CachedValue
        {
            Outcome = result.Outcome,
            ExpiresAtMs = entry.ExpiresAt.ToUnixTimeMilliseconds(),
            Error = result.Error,
            Description = result.ErrorDescription,
            Subject = identity?.Subject,
            Email = identity?.Email,
            Name = identity?.Name,
            Scopes = identity is { Scopes.Count: > 0 } ? [.. identity.Scopes] : null,
            Claims = identity is { Claims.Count: > 0 } ? FlattenClaims(identity.Claims) : null,
            Source = identity?.Source,
            TokenExpiresAtMs = identity?.ExpiresAt?.ToUnixTimeMilliseconds(),
        };

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(value, CachedValueJsonContext.Default.CachedValue);
        byte[] payload = protector is null ? json : protector.Protect(key, json);
        var bytes = new byte[payload.Length + 1];
        bytes[0] = protector is null ? PlainV1 : ProtectedV1;
        payload.CopyTo(bytes, 1);
        return bytes;
    }

    public CacheEntry? Deserialize(byte[]? bytes, string key)
    {
        if (bytes is not { Length: > 1 })
        {
            return null;
        }

        try
        {
            byte[] json = bytes[0] switch
            {
                PlainV1 when protector is null => bytes[1..],
                ProtectedV1 when protector is not null => protector.Unprotect(key, bytes[1..]),
                _ => [],
            };
            if (json.Length == 0)
            {
                return null;
            }

            var value = JsonSerializer.Deserialize(json, CachedValueJsonContext.Default.CachedValue);
            return value is null ? null : ToEntry(value);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or System.Security.Cryptography.CryptographicException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static CacheEntry? ToEntry(CachedValue value)
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

        return new CacheEntry(result, DateTimeOffset.FromUnixTimeMilliseconds(value.ExpiresAtMs));
    }

    private static string[] FlattenClaims(IReadOnlyList<TokenClaim> claims)
    {
        var flat = new string[claims.Count * 2];
        for (int i = 0; i < claims.Count; i++)
        {
            flat[2 * i] = claims[i].Type;
            flat[(2 * i) + 1] = claims[i].Value;
        }

        return flat;
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
