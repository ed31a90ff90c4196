namespace McpServerSample.Users;

/// <summary>A user of this application, found or created from a validated AuthKit identity.</summary>
public sealed class AppUser
{
    /// <summary>The local user id: what the application's own tables refer to.</summary>
    public Guid Id { get; set; }

    /// <summary>The email address, lower-cased; unique, it is how an AuthKit user is recognised.</summary>
    public string? Email { get; set; }

    /// <summary>The AuthKit subject that created this user; how a user without an email is recognised.</summary>
    public required string Subject { get; set; }

    /// <summary>The display name, when AuthKit gave one.</summary>
    public string? Name { get; set; }

    /// <summary>When the user was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
