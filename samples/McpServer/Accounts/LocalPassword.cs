using McpServerSample.Users;

namespace McpServerSample.Accounts;

/// <summary>A user's password, hashed with ASP.NET Core Identity's <c>PasswordHasher</c>: the sample's own sign-in.</summary>
public sealed class LocalPassword
{
    /// <summary>The <see cref="AppUser.Id"/> it belongs to.</summary>
    public Guid Id { get; set; }

    /// <summary>The hash (PBKDF2 with a salt, in Identity's versioned format); never the password.</summary>
    public required string Hash { get; set; }
}
