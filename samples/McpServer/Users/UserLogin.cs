namespace McpServerSample.Users;

/// <summary>One issuer's account of a user: (issuer, subject) is how a returning user is recognised, whatever the email.</summary>
public sealed class UserLogin
{
    /// <summary>The row id.</summary>
    public int Id { get; set; }

    /// <summary>The issuer: the token source that vouched for the identity (<c>authkit</c>, <c>jwt</c>, <c>introspection</c>).</summary>
    public required string Issuer { get; set; }

    /// <summary>The subject the issuer gave (<c>sub</c>): unique within that issuer only.</summary>
    public required string Subject { get; set; }

    /// <summary>The local user this account signs in as.</summary>
    public Guid UserId { get; set; }
}
