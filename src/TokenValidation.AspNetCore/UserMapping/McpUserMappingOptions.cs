namespace TokenValidation.AspNetCore.UserMapping;

/// <summary>Options of the find-or-create user mapping.</summary>
public sealed class McpUserMappingOptions
{
    /// <summary>The claim that carries the local user id. Default <c>local_user_id</c>.</summary>
    public string ClaimType { get; set; } = McpBearerDefaults.LocalUserIdClaimType;

    /// <summary>
    /// Which token sources are mapped (<see cref="TokenIdentity.Source"/>). Default AuthKit only: API keys are
    /// operator-issued service identities, not people signing up; add <see cref="TokenSources.ApiKey"/> to map them too.
    /// </summary>
    public IList<string> Sources { get; set; } = [TokenSources.AuthKit];

    /// <summary>
    /// Token sources (each one issuer, see <see cref="TokenSources"/>) whose emails the application declares verified
    /// even without an <c>email_verified: true</c> claim, so they may link to an existing account by email
    /// (<see cref="McpUserEmail.Linkable"/>). Default none. Add a source only when that issuer verifies every address
    /// it hands out; otherwise whoever registers the victim's address there takes over the victim's account.
    /// </summary>
    public IList<string> VerifiedEmailSources { get; set; } = [];
}
