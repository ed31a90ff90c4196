namespace TokenValidation.AspNetCore.UserMapping;

/// <summary>
/// The application's find-or-create hook: turns a freshly validated identity into the id of its own user. Runs once per
/// cache fill (never for a cached request), in its own DI scope; its answer is cached with the identity.
/// </summary>
/// <remarks>
/// Two first requests for one new user can run this at the same moment (different tokens are different cache fills).
/// Let a unique index decide: insert, and on a unique-constraint violation read back the row that won.
/// An exception makes the request 503 (Unavailable, not cached), never <c>invalid_token</c>.
/// </remarks>
public interface IMcpUserMapper
{
    /// <summary>Finds the application user for <paramref name="identity"/> (by email, else its subject) or creates one; returns its id.</summary>
    ValueTask<string> FindOrCreateUserAsync(TokenIdentity identity, CancellationToken cancellationToken);
}
