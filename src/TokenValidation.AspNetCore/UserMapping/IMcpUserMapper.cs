namespace TokenValidation.AspNetCore.UserMapping;

/// <summary>
/// The application's find-or-create hook: turns a freshly validated identity into the id of its own user. Runs once per
/// cache fill (never for a cached request), in its own DI scope; its answer is cached with the identity.
/// </summary>
/// <remarks>
/// <para>
/// Match in this order. (1) The issuer and subject: (<see cref="TokenIdentity.Source"/>,
/// <see cref="TokenIdentity.Subject"/>) names one account for good, whatever its email says today. (2) Only when that
/// identity is new, an existing user with the same email, and only an email the issuer vouches for:
/// <see cref="McpUserEmail.Linkable"/> gives it (<c>email_verified: true</c>, or a source listed in
/// <see cref="McpUserMappingOptions.VerifiedEmailSources"/>), normalized so it compares case-insensitively on ASCII
/// letters only, with a blank email as no email. Linking by an unverified email is an account takeover.
/// (3) Otherwise create a user, storing as its unique email only that linkable value.
/// </para>
/// <para>
/// Two first requests for one new user can run this at the same moment (different tokens are different cache fills).
/// Let unique indexes on (issuer, subject) and on the linkable email decide: insert, and on a unique-constraint violation
/// look again and use the row that won. An exception makes the request 503 (Unavailable, not cached), never
/// <c>invalid_token</c>.
/// </para>
/// </remarks>
public interface IMcpUserMapper
{
    /// <summary>
    /// Finds the application user for <paramref name="identity"/> (by issuer and subject, else by a verified email) or
    /// creates one; returns its id.
    /// </summary>
    ValueTask<string> FindOrCreateUserAsync(TokenIdentity identity, CancellationToken cancellationToken);
}
