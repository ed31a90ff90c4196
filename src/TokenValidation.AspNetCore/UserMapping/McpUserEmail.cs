namespace TokenValidation.AspNetCore.UserMapping;

/// <summary>
/// The email rules of a safe <see cref="IMcpUserMapper"/>: which email may link an identity to an existing user, and in
/// which form it is compared and stored.
/// </summary>
/// <remarks>
/// Linking by an email the issuer does not vouch for is an account takeover: anyone who controls an issuer account with
/// the victim's address would become the victim. Unicode case folding is a takeover too: it maps different mailboxes
/// together (<c>\u212Aelvin@example.com</c>, with the Kelvin sign, folds to <c>kelvin@example.com</c>), so only the
/// ASCII letters A–Z are lower-cased.
/// </remarks>
public static class McpUserEmail
{
    /// <summary>The claim by which an issuer vouches that the user controls <see cref="TokenIdentity.Email"/> (OpenID Connect).</summary>
    public const string VerifiedClaimType = "email_verified";

    /// <summary>
    /// The form in which emails are compared and stored: surrounding whitespace removed and ASCII letters lower-cased,
    /// every other character unchanged. A missing, empty or whitespace-only email is <see langword="null"/> (no email).
    /// </summary>
    /// <param name="email">The email as the issuer gave it.</param>
    public static string? Normalize(string? email)
    {
        var trimmed = email.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return null;
        }

        return string.Create(trimmed.Length, email!, static (destination, source) =>
        {
            var span = source.AsSpan().Trim();
            for (int i = 0; i < span.Length; i++)
            {
                char c = span[i];
                destination[i] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
            }
        });
    }

    /// <summary>
    /// Whether the issuer vouches for <paramref name="identity"/>'s email: its <c>email_verified</c> claim is
    /// <c>true</c>, or the application declared the emails of the identity's source verified
    /// (<see cref="McpUserMappingOptions.VerifiedEmailSources"/>).
    /// </summary>
    /// <param name="identity">The freshly validated identity.</param>
    /// <param name="options">The user-mapping options.</param>
    public static bool IsVerified(TokenIdentity identity, McpUserMappingOptions options)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        return string.Equals(identity.FindClaim(VerifiedClaimType), "true", StringComparison.Ordinal)
            || options.VerifiedEmailSources.Contains(identity.Source, StringComparer.Ordinal);
    }

    /// <summary>
    /// The email by which <paramref name="identity"/> may be linked to an existing user, normalized
    /// (<see cref="Normalize"/>), or <see langword="null"/> when there is none or the issuer does not vouch for it
    /// (<see cref="IsVerified"/>). Only this value may find, link or be stored as an account's unique email.
    /// </summary>
    /// <param name="identity">The freshly validated identity.</param>
    /// <param name="options">The user-mapping options.</param>
    public static string? Linkable(TokenIdentity identity, McpUserMappingOptions options) =>
        IsVerified(identity, options) ? Normalize(identity.Email) : null;
}
