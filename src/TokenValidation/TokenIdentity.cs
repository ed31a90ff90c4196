namespace TokenValidation;

/// <summary>Who a valid token belongs to. Never holds the token itself.</summary>
public sealed class TokenIdentity
{
    /// <summary>The subject (<c>sub</c>): for AuthKit a WorkOS user id such as <c>user_01…</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>The user's email address, when the issuer gave one.</summary>
    public string? Email { get; init; }

    /// <summary>The user's display name, when the issuer gave one.</summary>
    public string? Name { get; init; }

    /// <summary>The scopes the token carries.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Every other claim the issuer returned, plus claims added by enrichers (for example the local user id).</summary>
    public IReadOnlyList<TokenClaim> Claims { get; init; } = [];

    /// <summary>Which validator vouched for the token; see <see cref="TokenSources"/>.</summary>
    public required string Source { get; init; }

    /// <summary>When the token itself stops being valid, when known. Cached answers never outlive it.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Whether the token carries <paramref name="scope"/> (ordinal comparison).</summary>
    public bool HasScope(string scope)
    {
        foreach (var s in Scopes)
        {
            if (string.Equals(s, scope, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first value of the claim <paramref name="type"/>, or <see langword="null"/>.</summary>
    public string? FindClaim(string type)
    {
        foreach (var c in Claims)
        {
            if (string.Equals(c.Type, type, StringComparison.Ordinal))
            {
                return c.Value;
            }
        }

        return null;
    }

    /// <summary>A copy of this identity with <paramref name="claims"/> appended.</summary>
    public TokenIdentity WithClaims(params IEnumerable<TokenClaim> claims) => new()
    {
        Subject = Subject,
        Email = Email,
        Name = Name,
        Scopes = Scopes,
        Claims = [.. Claims, .. claims],
        Source = Source,
        ExpiresAt = ExpiresAt,
    };
}
