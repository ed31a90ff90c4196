namespace McpServerSample.Users;

/// <summary>A user of this application, found or created from a validated identity.</summary>
public sealed class AppUser
{
    /// <summary>The local user id: what the application's own tables refer to.</summary>
    public Guid Id { get; set; }

    /// <summary>
    /// An email its issuer vouched for, normalized (ASCII letters lower-cased); unique, so a later sign-in through another
    /// issuer with the same verified email links here. Unverified emails are never stored here.
    /// </summary>
    public string? Email { get; set; }

    /// <summary>The display name, when the issuer gave one.</summary>
    public string? Name { get; set; }

    /// <summary>When the user was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
